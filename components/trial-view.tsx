"use client";
import Link from "next/link";
import { useMemo, useRef } from "react";
import { CartesianGrid, Line, LineChart, ReferenceDot, ReferenceLine, Tooltip, XAxis, YAxis } from "recharts";
import { scheduleLines } from "@/lib/api/schedule-text";
import type { StudySummary, TrialDetail } from "@/lib/api/schemas";
import { ApiRequestError } from "@/lib/client/api";
import { epochTicks, linearAxis } from "@/lib/client/axes";
import { formatParam, formatTime, formatValue } from "@/lib/client/format";
import { useStopTrials, useTrialDetail } from "@/lib/client/queries";
import { useHydrated } from "@/lib/client/use-hydrated";
import { Card, EmptyState } from "./card";
import { CopyButton } from "./copy-button";
import { StatusBadge } from "./status-badge";
import { TrialNotesCard } from "./trial-notes";

const ACCENT = "#4f46e5";
const EXTRA_COLORS = ["#0d9488", "#d97706", "#db2777", "#7c3aed"];

/** One trial: status and reason, params, its learning curve and extra metrics, and its events. */
export function TrialView({ study, trialNumber }: { study: StudySummary; trialNumber: number }) {
  const query = useTrialDetail(study.id, trialNumber);
  const stop = useStopTrials(study.id);
  const hydrated = useHydrated();

  if (query.isPending) return <EmptyState className="h-64">Loading trial #{trialNumber}…</EmptyState>;
  if (query.error) {
    const missing = query.error instanceof ApiRequestError && query.error.status === 404;
    return (
      <EmptyState className="h-64" testId="trial-error">
        {missing ? `Study ${study.name} has no trial #${trialNumber}.` : `The trial could not be loaded: ${query.error.message}`}
      </EmptyState>
    );
  }
  const detail = query.data;
  const { trial } = detail;

  return (
    <div className="space-y-6" data-testid="trial-view" data-trial-number={trial.number} data-status={trial.status}>
      <div className="flex flex-wrap items-start justify-between gap-4">
        <div>
          <div className="flex items-center gap-3">
            <h1 className="text-2xl font-semibold tracking-tight" data-testid="trial-title">
              Trial #{trial.number}
            </h1>
            <StatusBadge status={trial.status} testId="trial-status" />
            {study.bestTrial === trial.number && <span className="rounded-full bg-indigo-600 px-2 py-0.5 text-xs font-medium text-white">best of the study</span>}
          </div>
          <p className="mt-1 text-sm text-slate-600">
            {trial.reason ? (
              <span data-testid="trial-reason">{trial.reason}</span>
            ) : trial.status === "running" ? (
              "still training"
            ) : (
              "no stop reason recorded"
            )}
          </p>
        </div>
        {trial.status === "running" && (
          <div className="flex flex-col items-end gap-1">
            <button
              type="button"
              disabled={stop.isPending || stop.isSuccess || !hydrated}
              onClick={() => stop.mutate([trial.number])}
              className="rounded-md bg-white px-3 py-1.5 text-sm font-medium text-rose-700 shadow-sm ring-1 ring-inset ring-rose-300 hover:bg-rose-50 disabled:opacity-60"
              data-testid="btn-stop-trial"
            >
              {stop.isPending ? "Stopping…" : "Stop this trial"}
            </button>
            {stop.error && <span className="text-xs text-rose-600">{stop.error.message}</span>}
          </div>
        )}
      </div>

      <div className="grid gap-4 md:grid-cols-3">
        <Card title={`Best ${study.metric}`}>
          <div className="text-2xl font-semibold tabular-nums text-indigo-700" data-testid="trial-best-value">
            {formatValue(trial.bestValue)}
          </div>
          <p className="mt-2 text-sm text-slate-600">
            at epoch <span className="tabular-nums">{trial.bestEpoch ?? "—"}</span> of <span className="tabular-nums">{trial.epochs}</span> trained (≤ {study.maxEpochs})
          </p>
          <p className="mt-1 text-sm text-slate-600">
            final <span className="font-medium tabular-nums" data-testid="trial-final-value">{formatValue(trial.finalValue)}</span> at epoch {trial.epochs}
          </p>
          {detail.bestCheckpoint && (
            <p className="mt-1 break-all font-mono text-xs text-slate-500" title="the checkpoint of its best epoch" data-testid="trial-best-checkpoint">
              {detail.bestCheckpoint}
            </p>
          )}
          {trial.retrainedEpochs > 0 && (
            <p className="mt-1 text-xs text-amber-700" data-testid="trial-retrained">
              {trial.retrainedEpochs} more trained a second time: resumed on an agent without its checkpoint; they count against the budget.
            </p>
          )}
        </Card>
        <Card title="Params">
          <dl className="grid grid-cols-[auto_1fr] gap-x-4 gap-y-1 text-sm" data-testid="trial-params">
            {study.space.map((p) => (
              <div key={p.name} className="contents">
                <dt className="font-mono text-xs leading-5 text-slate-500">{p.name}</dt>
                <dd className="text-right font-mono tabular-nums" data-param={p.name}>
                  {trial.params[p.name] !== undefined ? formatParam(trial.params[p.name]) : "—"}
                </dd>
              </div>
            ))}
          </dl>
        </Card>
        {(trial.parent !== null || (trial.schedule?.length ?? 0) > 1) && (
          <Card title="Lineage and schedule" testId="trial-schedule">
            {trial.parent !== null && (
              <p className="mb-2 text-sm text-slate-600">
                Started from{" "}
                <Link href={`/studies/${study.id}/trials/${trial.parent}`} className="font-medium text-indigo-600 hover:underline">
                  #{trial.parent}
                </Link>
                &apos;s checkpoint at epoch {trial.startEpoch}; it paid only for the epochs after that.
              </p>
            )}
            <ol className="space-y-1.5 text-xs">
              {(trial.schedule ?? []).map((segment, k, all) => {
                const changed = Object.keys(segment.params).filter((name) => k > 0 && all[k - 1].params[name] !== segment.params[name]);
                return (
                  <li key={k} data-testid="schedule-segment">
                    <span className="font-medium text-slate-700">from epoch {segment.fromEpoch}</span>
                    {segment.shrinkPerturb ? <span className="text-slate-400"> · shrink-and-perturb</span> : null}
                    <span className="block font-mono text-slate-500">
                      {(k === 0 ? Object.keys(segment.params) : changed).map((n) => `${n}=${formatParam(segment.params[n])}`).join("  ") || "same params"}
                    </span>
                  </li>
                );
              })}
            </ol>
            <SchedulePaste text={scheduleLines(trial.schedule).join("\n")} />
          </Card>
        )}
        <Card title="Timing">
          <dl className="grid grid-cols-2 gap-y-1.5 text-sm">
            <dt className="text-slate-500">created</dt>
            <dd className="text-right text-xs leading-5 tabular-nums">{formatTime(trial.createdAt)}</dd>
            <dt className="text-slate-500">finished</dt>
            <dd className="text-right text-xs leading-5 tabular-nums">{formatTime(trial.finishedAt)}</dd>
            <dt className="text-slate-500">measurements</dt>
            <dd className="text-right tabular-nums">{detail.curve.length}</dd>
          </dl>
        </Card>
      </div>

      <TrialNotesCard studyId={study.id} trial={trial} />

      <Card title="Learning curve" subtitle={`${study.metric} per epoch${Object.keys(detail.extra).length > 0 ? "; extra metrics below" : ""}`}>
        <TrialCurve detail={detail} metric={study.metric} maxEpochs={study.maxEpochs} />
      </Card>

      {Object.keys(detail.extra).length > 0 && (
        <div className="grid gap-4 md:grid-cols-2">
          {Object.entries(detail.extra).map(([name, points], i) => (
            <Card key={name} title={name}>
              <MetricChart points={points} name={name} color={EXTRA_COLORS[i % EXTRA_COLORS.length]} maxEpochs={study.maxEpochs} height={200} />
            </Card>
          ))}
        </div>
      )}

      <Card title="Events" subtitle={`${detail.events.length} events, oldest first`} flush>
        {detail.events.length === 0 ? (
          <p className="px-5 py-6 text-sm text-slate-500">No events recorded.</p>
        ) : (
          <ol className="relative space-y-0 px-5 py-3" data-testid="trial-events">
            {detail.events.map((e, i) => (
              <li key={i} className="relative flex gap-4 border-l border-slate-200 pb-3 pl-5 last:pb-0" data-testid="trial-event" data-type={e.type}>
                <span className="absolute top-1.5 -left-[5px] size-2.5 rounded-full bg-indigo-500 ring-2 ring-white" aria-hidden />
                <span className="w-36 shrink-0 text-xs leading-5 tabular-nums text-slate-500" title={e.createdAt}>
                  {formatClock(e.createdAt, i === 0 ? null : detail.events[i - 1].createdAt)}
                </span>
                <span className="w-28 shrink-0 font-mono text-xs leading-5 font-medium text-slate-800">{e.type}</span>
                <span className="min-w-0 font-mono text-xs leading-5 break-all text-slate-500">{summarize(e.payload)}</span>
              </li>
            ))}
          </ol>
        )}
      </Card>
    </div>
  );
}

/** An event's time to the second; the date only when it differs from the previous event's. */
function formatClock(iso: string, previous: string | null): string {
  const t = new Date(iso);
  if (Number.isNaN(t.getTime())) return iso;
  const stamp = t.toISOString();
  const sameDay = previous !== null && previous.slice(0, 10) === stamp.slice(0, 10);
  return sameDay ? stamp.slice(11, 19) : `${stamp.slice(0, 10)} ${stamp.slice(11, 19)}`;
}

/** An event's payload on one line: its scalar fields as key=value. */
function summarize(payload: unknown): string {
  if (payload === null || payload === undefined) return "";
  if (typeof payload !== "object") return String(payload);
  return Object.entries(payload as Record<string, unknown>)
    .map(([k, v]) => `${k}=${typeof v === "number" ? formatParam(v) : typeof v === "object" ? JSON.stringify(v) : String(v)}`)
    .join("  ");
}

/** The trial's own curve; for a branch, drawn after the curve it inherited from its ancestors (grey), with a line at each branch epoch. */
function TrialCurve({ detail, metric, maxEpochs }: { detail: TrialDetail; metric: string; maxEpochs: number }) {
  const lineage = detail.lineage ?? [];
  const inherited = useMemo(() => lineage.flatMap((l) => l.points), [lineage]);
  const all = useMemo(() => [...inherited, ...detail.curve], [inherited, detail.curve]);
  const best = detail.trial.bestEpoch !== null ? all.find(([e]) => e === detail.trial.bestEpoch) : undefined;
  const branchAt = lineage.map((l, k) => (k + 1 < lineage.length ? lineage[k + 1].points[0]?.[0] - 1 : detail.trial.startEpoch)).filter((e) => e > 0);
  return (
    <div data-testid="trial-curve" data-point-count={detail.curve.length} data-inherited-count={inherited.length}>
      <MetricChart points={detail.curve} inherited={inherited} branchAt={branchAt} name={metric} color={ACCENT} maxEpochs={maxEpochs} height={320} best={best} />
      {lineage.length > 0 && (
        <p className="mt-2 text-xs text-slate-500" data-testid="trial-lineage-note">
          Grey: the curve inherited from {lineage.map((l) => `#${l.trial}`).join(" → ")} up to epoch {detail.trial.startEpoch}; this trial trained from epoch {detail.trial.startEpoch + 1}.
        </p>
      )}
    </div>
  );
}

function MetricChart({
  points,
  inherited = [],
  branchAt = [],
  name,
  color,
  maxEpochs,
  height,
  best,
}: {
  points: [number, number][];
  /** Epochs inherited from ancestors, drawn grey and dashed before the trial's own. */
  inherited?: [number, number][];
  branchAt?: number[];
  name: string;
  color: string;
  maxEpochs: number;
  height: number;
  best?: [number, number];
}) {
  const data = useMemo(
    () => [...inherited.map(([epoch, v]) => ({ epoch, inherited: v as number | undefined, value: undefined as number | undefined })), ...points.map(([epoch, value]) => ({ epoch, value, inherited: undefined }))],
    [points, inherited],
  );
  const axis = useMemo(() => {
    const values = [...inherited, ...points].map(([, v]) => v).filter(Number.isFinite);
    if (values.length === 0) return null;
    const lo = Math.min(...values);
    const hi = Math.max(...values);
    return linearAxis(lo, hi > lo ? hi : lo + Math.max(1e-9, Math.abs(lo) * 0.1));
  }, [points, inherited]);
  if (!axis) return <EmptyState className="h-40">No measurement yet.</EmptyState>;
  const last = Math.max(2, maxEpochs);
  return (
    <div className="w-full" style={{ height }}>
      <LineChart responsive style={{ width: "100%", height: "100%" }} data={data} margin={{ top: 8, right: 16, bottom: 24, left: 16 }}>
        <CartesianGrid stroke="#e2e8f0" strokeDasharray="3 3" />
        <XAxis
          type="number"
          dataKey="epoch"
          domain={[1, last]}
          ticks={epochTicks(1, last)}
          allowDecimals={false}
          tick={{ fontSize: 12, fill: "#64748b" }}
          stroke="#cbd5e1"
          label={{ value: "epoch", position: "insideBottom", offset: -14, fill: "#475569", fontSize: 12 }}
        />
        <YAxis
          type="number"
          domain={axis.domain}
          ticks={axis.ticks}
          allowDataOverflow
          tickFormatter={(v: number) => formatValue(v)}
          tick={{ fontSize: 12, fill: "#64748b" }}
          stroke="#cbd5e1"
          width={56}
          label={{ value: name, angle: -90, position: "insideLeft", offset: -4, fill: "#475569", fontSize: 12, style: { textAnchor: "middle" } }}
        />
        <Tooltip formatter={(v) => formatValue(typeof v === "number" ? v : null)} labelFormatter={(e) => `epoch ${e}`} isAnimationActive={false} />
        {inherited.length > 0 && (
          <Line dataKey="inherited" name={`${name} (inherited)`} type="linear" stroke="#94a3b8" strokeWidth={2} strokeDasharray="4 3" dot={false} connectNulls={false} isAnimationActive={false} />
        )}
        {branchAt.map((e) => (
          <ReferenceLine key={e} x={e} stroke="#94a3b8" strokeDasharray="2 2" label={{ value: `branch @${e}`, position: "insideTopRight", fontSize: 11, fill: "#64748b" }} />
        ))}
        <Line dataKey="value" name={name} type="linear" stroke={color} strokeWidth={2} dot={points.length <= 40 ? { r: 2.5, fill: color } : false} isAnimationActive={false} />
        {best && <ReferenceDot x={best[0]} y={best[1]} r={6} fill="none" stroke="#0f172a" strokeWidth={2} label={{ value: "best", position: "top", fontSize: 11, fill: "#0f172a" }} />}
      </LineChart>
    </div>
  );
}

/** The schedule to paste into a training script (a line per param that changed), with a copy button; nothing when none changed. */
function SchedulePaste({ text }: { text: string }) {
  const ref = useRef<HTMLElement>(null);
  if (!text) return null;
  return (
    <div className="mt-3 border-t border-slate-100 pt-2">
      <div className="flex items-center justify-between gap-2">
        <span className="text-xs font-medium text-slate-600">As a schedule for your training</span>
        <CopyButton text={text} target={() => ref.current} testId="btn-copy-schedule" />
      </div>
      <code ref={ref} className="mt-1 block rounded bg-slate-50 px-2 py-1 font-mono text-xs break-words whitespace-pre-line text-slate-700" data-testid="schedule-text">
        {text}
      </code>
    </div>
  );
}
