"use client";
import { useState } from "react";
import type { StudyAction, StudySummary } from "@/lib/api/schemas";
import { useStudyAction } from "@/lib/client/queries";
import { useHydrated } from "@/lib/client/use-hydrated";

const BUTTONS: { action: StudyAction; label: string; when: StudySummary["status"][]; className: string }[] = [
  { action: "pause", label: "Pause", when: ["running"], className: "bg-white text-slate-700 ring-1 ring-inset ring-slate-300 hover:bg-slate-50" },
  { action: "resume", label: "Resume", when: ["paused"], className: "bg-indigo-600 text-white hover:bg-indigo-500" },
  { action: "stop", label: "Stop", when: ["running", "paused"], className: "bg-white text-rose-700 ring-1 ring-inset ring-rose-300 hover:bg-rose-50" },
];

const buttonClass = "rounded-md px-3 py-1.5 text-sm font-medium shadow-sm disabled:cursor-not-allowed disabled:opacity-60";

/** Pause, resume and stop, each shown only when it applies to the study's status; Stop, which cannot be undone, asks first. */
export function StudyActions({ study }: { study: StudySummary }) {
  const mutation = useStudyAction(study.id);
  const hydrated = useHydrated();
  const [confirming, setConfirming] = useState(false);
  const buttons = BUTTONS.filter((b) => b.when.includes(study.status));
  if (buttons.length === 0 && !mutation.error) return null;
  const disabled = mutation.isPending || !hydrated;
  return (
    <div className="flex flex-col items-end gap-1">
      {confirming && buttons.some((b) => b.action === "stop") ? (
        <div className="flex flex-wrap items-center justify-end gap-2 rounded-md bg-rose-50 px-3 py-1.5 ring-1 ring-rose-200" role="alertdialog" aria-label="Stop the study?" data-testid="stop-confirm">
          <span className="text-sm text-rose-900">Stop for good? Running trials end now; a stopped study cannot resume.</span>
          <button
            type="button"
            disabled={disabled}
            onClick={() => mutation.mutate("stop", { onSettled: () => setConfirming(false) })}
            className={`${buttonClass} bg-rose-600 text-white hover:bg-rose-500`}
            data-testid="btn-stop-confirm"
          >
            Stop study
          </button>
          <button type="button" disabled={mutation.isPending} onClick={() => setConfirming(false)} className={`${buttonClass} bg-white text-slate-700 ring-1 ring-inset ring-slate-300 hover:bg-slate-50`} data-testid="btn-stop-cancel">
            Cancel
          </button>
        </div>
      ) : (
        <div className="flex gap-2">
          {buttons.map((b) => (
            <button
              key={b.action}
              type="button"
              disabled={disabled}
              onClick={() => (b.action === "stop" ? setConfirming(true) : mutation.mutate(b.action))}
              className={`${buttonClass} ${b.className}`}
              data-testid={`btn-${b.action}`}
            >
              {b.label}
            </button>
          ))}
        </div>
      )}
      {mutation.error && (
        <p className="text-xs text-rose-600" data-testid="action-error">
          {mutation.error.message}
        </p>
      )}
    </div>
  );
}
