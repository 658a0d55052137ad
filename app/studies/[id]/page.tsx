import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { connection } from "next/server";
import { StudyView } from "@/components/study-view";
import { getCurvesDownsampled } from "@/db/dashboard";
import { getStudyDetail, getStudySummary, STUDY_TRIALS_LIMIT } from "@/db/queries";
import { RACE_CURVES } from "@/lib/client/race-curves";
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
  const detail = id === null ? null : getStudySummary(id);
  return { title: detail ? detail.name : "Study not found" };
}

export default async function StudyPage({ params, searchParams }: Props) {
  await connection();
  const id = parseId((await params).id);
  if (id === null) notFound();
  // First paint gets what the live queries poll: a bounded set of trials and downsampled curves.
  const detail = await getStudyDetail(id, STUDY_TRIALS_LIMIT);
  if (!detail) notFound();
  const curves = getCurvesDownsampled(id, RACE_CURVES.limit, RACE_CURVES.points);
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
