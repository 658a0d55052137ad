import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { connection } from "next/server";
import { z } from "zod";
import { TrialView } from "@/components/trial-view";
import { getStudySummary } from "@/db/queries";
import { studyIdSchema } from "@/lib/api/schemas";

type Props = { params: Promise<{ id: string; number: string }> };

const trialNumberSchema = z.coerce.number().int().min(0);

async function parse(params: Props["params"]): Promise<{ id: number; trial: number } | null> {
  const raw = await params;
  const id = studyIdSchema.safeParse(raw.id);
  const trial = trialNumberSchema.safeParse(raw.number);
  return id.success && trial.success ? { id: id.data, trial: trial.data } : null;
}

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  await connection();
  const parsed = await parse(params);
  const study = parsed ? getStudySummary(parsed.id) : null;
  return { title: study && parsed ? `Trial #${parsed.trial} · ${study.name}` : "Trial not found" };
}

export default async function TrialPage({ params }: Props) {
  await connection();
  const parsed = await parse(params);
  if (!parsed) notFound();
  const study = getStudySummary(parsed.id);
  if (!study) notFound();
  return (
    <div className="space-y-4">
      <nav className="flex gap-2 text-sm text-slate-500">
        <Link href="/" className="hover:text-slate-900">
          Studies
        </Link>
        <span className="text-slate-300">/</span>
        <Link href={`/studies/${study.id}`} className="hover:text-slate-900" data-testid="trial-study-link">
          {study.name}
        </Link>
        <span className="text-slate-300">/</span>
        <Link href={`/studies/${study.id}?tab=trials`} className="hover:text-slate-900">
          trials
        </Link>
      </nav>
      <TrialView study={study} trialNumber={parsed.trial} />
    </div>
  );
}
