"use client";
import type { StudyAction, StudySummary } from "@/lib/api/schemas";
import { useStudyAction } from "@/lib/client/queries";

const BUTTONS: { action: StudyAction; label: string; when: StudySummary["status"][]; className: string }[] = [
  { action: "pause", label: "Pause", when: ["running"], className: "bg-white text-slate-700 ring-1 ring-inset ring-slate-300 hover:bg-slate-50" },
  { action: "resume", label: "Resume", when: ["paused"], className: "bg-indigo-600 text-white hover:bg-indigo-500" },
  { action: "stop", label: "Stop", when: ["running", "paused"], className: "bg-white text-rose-700 ring-1 ring-inset ring-rose-300 hover:bg-rose-50" },
];

/** Pause, resume and stop, each shown only when it applies to the study's status. */
export function StudyActions({ study }: { study: StudySummary }) {
  const mutation = useStudyAction(study.id);
  const buttons = BUTTONS.filter((b) => b.when.includes(study.status));
  if (buttons.length === 0 && !mutation.error) return null;
  return (
    <div className="flex flex-col items-end gap-1">
      <div className="flex gap-2">
        {buttons.map((b) => (
          <button
            key={b.action}
            type="button"
            disabled={mutation.isPending}
            onClick={() => mutation.mutate(b.action)}
            className={`rounded-md px-3 py-1.5 text-sm font-medium shadow-sm disabled:cursor-not-allowed disabled:opacity-60 ${b.className}`}
            data-testid={`btn-${b.action}`}
          >
            {b.label}
          </button>
        ))}
      </div>
      {mutation.error && (
        <p className="text-xs text-rose-600" data-testid="action-error">
          {mutation.error.message}
        </p>
      )}
    </div>
  );
}
