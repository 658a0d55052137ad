import type { Metadata } from "next";
import { connection } from "next/server";
import type { ObjectiveInfo } from "@/lib/api/schemas";
import { NewStudyChoice } from "@/components/new-study-choice";
import { listObjectives } from "@/lib/objectives/registry";

export const metadata: Metadata = { title: "New study" };

export default async function NewStudyPage() {
  await connection();
  // Only plain fields cross to the client component.
  const objectives: ObjectiveInfo[] = (await listObjectives()).map((o) => ({
    id: o.id,
    title: o.title,
    description: o.description,
    metric: o.metric,
    direction: o.direction,
    maxEpochs: o.maxEpochs,
    space: o.space,
    defaultEpochDelayMs: o.defaultEpochDelayMs,
    optimum: o.optimum,
    ...(o.warmStart ? { warmStart: true } : {}),
  }));
  return (
    <div className="mx-auto max-w-4xl space-y-6">
      <div>
        <h1 className="text-2xl font-semibold tracking-tight">New study</h1>
        <p className="mt-1 text-sm text-slate-600">Pick a built-in objective or your own training, shape its search space, and set a budget — or give a study file, as the command line takes it.</p>
      </div>
      <NewStudyChoice objectives={objectives} />
    </div>
  );
}
