import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { connection } from "next/server";
import { StudyView } from "@/components/study-view";
import { getCurves, getStudyDetail } from "@/db/queries";
import { studyIdSchema } from "@/lib/api/schemas";
import { parseTab } from "@/lib/client/study-tabs";

type Props = { params: Promise<{ id: string }>; searchParams: Promise<Record<string, string | string[] | undefined>> };

function parseId(raw: string): number | null {
  const parsed = studyIdSchema.safeParse(raw);
  return parsed.success ? parsed.data : null;
}

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  await connection();
  const id = parseId((await params).id);
  const detail = id === null ? null : await getStudyDetail(id);
  return { title: detail ? detail.study.name : "Study not found" };
}

export default async function StudyPage({ params, searchParams }: Props) {
  await connection();
  const id = parseId((await params).id);
  if (id === null) notFound();
  const detail = await getStudyDetail(id);
  if (!detail) notFound();
  const curves = await getCurves(id);
  const tab = parseTab((await searchParams).tab);
  return (
    <div className="space-y-4">
      <Link href="/" className="text-sm text-slate-500 hover:text-slate-900">
        ← Studies
      </Link>
      <StudyView initialDetail={detail} initialCurves={curves} initialTab={tab} />
    </div>
  );
}
