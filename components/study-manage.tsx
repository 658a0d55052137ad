"use client";
import { useRouter } from "next/navigation";
import { useState } from "react";
import type { StudySummary } from "@/lib/api/schemas";
import { isLive } from "@/lib/client/format";
import { useAnnotateStudy, useDeleteStudy, useExtendBudget } from "@/lib/client/study-admin";
import { useHydrated } from "@/lib/client/use-hydrated";
import { Annotations } from "./annotations";
import { Card } from "./card";
import { baseInput } from "./form-parts";
import { SmallButton } from "./small-button";

/** A finished study's "extend budget" and every study's "delete" (asked twice; a live study must be stopped first). */
export function StudyManage({ study }: { study: StudySummary }) {
  const router = useRouter();
  const hydrated = useHydrated();
  const extend = useExtendBudget(study.id);
  const remove = useDeleteStudy(study.id);
  const [confirming, setConfirming] = useState(false);
  const [extending, setExtending] = useState(false);
  const [value, setValue] = useState(String(study.budget.value * 2));
  const canExtend = study.status === "completed" || study.status === "stopped";
  const live = study.status === "running" || study.status === "paused" || isLive(study);
  return (
    <div className="flex flex-col items-end gap-1">
      <div className="flex gap-2">
        {canExtend && !extending && (
          <SmallButton tone="neutral" size="md" disabled={!hydrated} onClick={() => setExtending(true)} testId="btn-extend">
            Extend budget
          </SmallButton>
        )}
        {!confirming && (
          <SmallButton tone="danger" size="md" disabled={!hydrated} onClick={() => setConfirming(true)} testId="btn-delete">
            Delete
          </SmallButton>
        )}
      </div>
      {extending && (
        <form
          className="flex items-center gap-2 rounded-md bg-slate-50 px-3 py-1.5 ring-1 ring-slate-200"
          onSubmit={(event) => {
            event.preventDefault();
            extend.mutate(Number(value), { onSuccess: () => setExtending(false) });
          }}
          data-testid="extend-form"
        >
          <span className="text-sm text-slate-700">New budget</span>
          <input className={`${baseInput} w-28 tabular-nums`} inputMode="numeric" value={value} onChange={(e) => setValue(e.target.value)} aria-label="new budget" data-testid="field-extend-budget" />
          <span className="text-sm text-slate-500">{study.budget.kind}</span>
          <SmallButton tone="primary" type="submit" disabled={extend.isPending} testId="btn-extend-confirm">
            Go on
          </SmallButton>
          <SmallButton tone="neutral" onClick={() => setExtending(false)} testId="btn-extend-cancel">
            Cancel
          </SmallButton>
        </form>
      )}
      {confirming && (
        <div className="flex flex-wrap items-center justify-end gap-2 rounded-md bg-rose-50 px-3 py-1.5 ring-1 ring-rose-200" role="alertdialog" aria-label="Delete the study?" data-testid="delete-confirm">
          {live ? (
            <span className="text-sm text-rose-900">This study is {study.status}: stop it first, then delete it.</span>
          ) : (
            <>
              <span className="text-sm text-rose-900">Delete this study, its trials, measurements and checkpoint folder? This cannot be undone.</span>
              <SmallButton tone="danger" disabled={remove.isPending} onClick={() => remove.mutate(undefined, { onSuccess: () => router.push("/") })} testId="btn-delete-confirm">
                Delete study
              </SmallButton>
            </>
          )}
          <SmallButton tone="neutral" disabled={remove.isPending} onClick={() => setConfirming(false)} testId="btn-delete-cancel">
            Cancel
          </SmallButton>
        </div>
      )}
      {(extend.error ?? remove.error) && (
        <p className="text-xs text-rose-600" data-testid="manage-error">
          {(extend.error ?? remove.error)!.message}
        </p>
      )}
    </div>
  );
}

/** The study's notes and tags, editable. */
export function StudyNotesCard({ study }: { study: StudySummary }) {
  const annotate = useAnnotateStudy(study.id);
  return (
    <Card title="Notes and tags">
      <div data-testid="study-notes">
        <Annotations
          notes={study.notes}
          tags={study.tags}
          what="study"
          pending={annotate.isPending}
          error={annotate.error}
          save={(input, done) => annotate.mutate(input, { onSuccess: done })}
        />
      </div>
    </Card>
  );
}
