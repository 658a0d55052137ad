import type { StudyStatus, TrialStatusName } from "@/lib/api/schemas";

const STYLES: Record<StudyStatus | TrialStatusName, string> = {
  running: "bg-indigo-50 text-indigo-700 ring-indigo-600/20",
  paused: "bg-amber-50 text-amber-700 ring-amber-600/20",
  completed: "bg-emerald-50 text-emerald-700 ring-emerald-600/20",
  stopped: "bg-slate-100 text-slate-700 ring-slate-500/20",
  pruned: "bg-slate-100 text-slate-600 ring-slate-500/20",
  interrupted: "bg-slate-100 text-slate-600 ring-slate-500/20",
  failed: "bg-rose-50 text-rose-700 ring-rose-600/20",
};

/** A study's or trial's status as a small coloured pill; running ones pulse. */
export function StatusBadge({ status, testId }: { status: StudyStatus | TrialStatusName; testId?: string }) {
  return (
    <span
      className={`inline-flex items-center gap-1.5 rounded-full px-2 py-0.5 text-xs font-medium ring-1 ring-inset ${STYLES[status]}`}
      data-testid={testId}
      data-status={status}
    >
      {status === "running" && (
        <span className="relative flex size-1.5" aria-hidden>
          <span className="absolute inline-flex size-full animate-ping rounded-full bg-indigo-400 opacity-75" />
          <span className="relative inline-flex size-1.5 rounded-full bg-indigo-600" />
        </span>
      )}
      {status}
    </span>
  );
}
