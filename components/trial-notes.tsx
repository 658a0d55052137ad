"use client";
import type { TrialRow } from "@/lib/api/schemas";
import { useAnnotateTrial } from "@/lib/client/study-admin";
import { Annotations } from "./annotations";
import { Card } from "./card";

/** A trial's notes and tags, editable. */
export function TrialNotesCard({ studyId, trial }: { studyId: number; trial: TrialRow }) {
  const annotate = useAnnotateTrial(studyId, trial.number);
  return (
    <Card title="Notes and tags">
      <div data-testid="trial-notes">
        <Annotations
          notes={trial.notes}
          tags={trial.tags}
          what="trial"
          pending={annotate.isPending}
          error={annotate.error}
          save={(input, done) => annotate.mutate(input, { onSuccess: done })}
        />
      </div>
    </Card>
  );
}
