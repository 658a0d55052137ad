"use client";
import Link from "next/link";
import { FamilyTree } from "./family-tree";
import { useMemo, useState } from "react";
import { CartesianGrid, LineChart, ReferenceLine, Tooltip, XAxis, YAxis, type TooltipContentProps } from "recharts";
import type { Curve, CurvesResponse, RaceResponse, StudySummary, TrialRow } from "@/lib/api/schemas";
import { epochTicks } from "@/lib/client/axes";
import { formatValue } from "@/lib/client/format";
import { useRace } from "@/lib/client/queries";
import { defaultRungs } from "@/lib/client/race-curves";
import { groupCurves, valuesAt } from "@/lib/client/curve-groups";
import { groupLines } from "./curve-group-lines";
import { Card, EmptyState } from "./card";
import { keyOf, prepareCurves } from "./learning-curves-chart";

/** Colours by the highest rung reached: light for trials that stopped early, dark and warm for the finalists. */
const RUNG_COLORS = ["#7dd3fc", "#38bdf8", "#6366f1", "#9333ea", "#db2777", "#ea580c", "#b91c1c"];
const BELOW = "#cbd5e1";
const LEADERS = 5;
const LEADER_COLOR = "#0f172a"; // slate-900

function rungColor(level: number): string {
  return level < 0 ? BELOW : RUNG_COLORS[Math.min(level, RUNG_COLORS.length - 1)];
}

type Info = { trial: number; level: number; leader: number; faded: boolean; best: number | null; row?: TrialRow; curve: Curve };

/** Each curve's race facts: highest rung reached, leader rank, faded or not. */
function raceInfo(curves: Curve[], rows: Map<number, TrialRow>, rungs: number[], direction: "minimize" | "maximize"): Info[] {
  const infos = curves.map((curve) => {
    const row = rows.get(curve.trial);
    const epochs = row?.epochs ?? curve.points[curve.points.length - 1]?.[0] ?? 0;
    let level = -1;
    rungs.forEach((e, k) => {
      if (epochs >= e) level = k;
    });
    const values = curve.points.map(([, v]) => v).filter(Number.isFinite);
    const best = row?.bestValue ?? (values.length ? (direction === "minimize" ? Math.min(...values) : Math.max(...values)) : null);
    const faded = curve.status === "pruned" || curve.status === "failed" || curve.status === "interrupted";
    return { trial: curve.trial, level, leader: -1, faded, best, row, curve };
  });
  const ranked = infos.filter((i) => i.best !== null).sort((a, b) => (direction === "minimize" ? a.best! - b.best! : b.best! - a.best!) || a.trial - b.trial);
  ranked.slice(0, LEADERS).forEach((info, k) => (info.leader = k));
  return infos;
}

function RaceTooltip({ active, label, infos, metric, rows }: TooltipContentProps & { infos: Map<string, Info>; metric: string; rows: Map<number, { epoch: number }> }) {
  const payload = active ? valuesAt(rows, label) : [];
  if (payload.length === 0) return null;
  const entries = [...payload].sort((a, b) => a.value - b.value).slice(0, 8);
  return (
    <div className="max-w-sm rounded-md border border-slate-200 bg-white/95 px-3 py-2 text-xs shadow-md">
      <div className="mb-1 font-medium text-slate-700">epoch {label}</div>
      <table>
        <tbody>
          {entries.map((e) => {
            const info = infos.get(String(e.dataKey));
            return (
              <tr key={String(e.dataKey)} className={info?.faded ? "text-slate-400" : ""}>
                <td className="pr-2 whitespace-nowrap text-slate-500">
                  #{info?.trial}
                  {info && info.leader >= 0 && <span className="ml-1 text-amber-600">★{info.leader + 1}</span>}
                </td>
                <td className="pr-2 text-right font-mono tabular-nums" style={{ color: info ? rungColor(info.level) : undefined }}>
                  {formatValue(e.value)}
                </td>
                <td className="pr-2 whitespace-nowrap text-slate-500">{info && info.level >= 0 ? `rung ${info.level}` : "—"}</td>
                <td className="truncate text-slate-500">{info?.row?.reason ?? ""}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
      {payload.length > entries.length && <div className="mt-1 text-slate-400">best {entries.length} of {payload.length} {metric} values</div>}
    </div>
  );
}

/** Whether two rungs sit so close on the epoch axis (under 12% of its width) that their labels would overlap. */
function closeTo(a: number, b: number, first: number, last: number, log: boolean): boolean {
  const share = (e: number) => (log ? Math.log(e / first) / Math.log(last / first) : (e - first) / (last - first));
  return Math.abs(share(b) - share(a)) < 0.12;
}

/**
 * A rung's label above the plot: "rung k" where there is room, lifted a row
 * when the previous rung is close, and anchored inwards at either end so it
 * is neither clipped nor over the axis' own labels.
 */
function RungLabel({ x, y, k, share, row }: { x: number; y: number; k: number; share: number; row: number }) {
  const anchor = share > 0.9 ? "end" : share < 0.06 ? "start" : "middle";
  const dy = -6 - 12 * row;
  return (
    <text x={x + (anchor === "start" ? 2 : anchor === "end" ? -2 : 0)} y={y + dy} textAnchor={anchor} fill="#475569" fontSize={11} data-testid="rung-label">
      {`rung ${k}`}
    </text>
  );
}

/**
 * The learning-curve race: every curve coloured by the highest rung it
 * reached, rungs as vertical lines, the five leaders thick, stopped trials
 * faded with their reasons, and how well each rung's ranking predicts the next.
 */
export function RacePanel({ study, curves, trials, live }: { study: StudySummary; curves: CurvesResponse; trials: TrialRow[]; live: boolean }) {
  const race = useRace(study.id, live);
  // Until the race answers (judging a large study takes a while), its default ladder: the curves need not wait for the checks.
  const rungs = useMemo(() => race.data?.rungs ?? defaultRungs(study.strategy, study.maxEpochs), [race.data, study.strategy, study.maxEpochs]);
  const [logEpochs, setLogEpochs] = useState(false);
  const rows = useMemo(() => new Map(trials.map((t) => [t.number, t])), [trials]);
  const infos = useMemo(() => raceInfo(curves.curves, rows, rungs, study.direction), [curves.curves, rows, rungs, study.direction]);
  const byKey = useMemo(() => new Map(infos.map((i) => [keyOf(i.trial), i])), [infos]);
  const { data, points, linear } = useMemo(() => prepareCurves(curves.curves, study.direction), [curves.curves, study.direction]);
  // Faded first, then by rung, leaders last: the interesting lines are drawn on top; curves that look alike share one path.
  const groups = useMemo(() => {
    const ordered = [...infos].sort((a, b) => Number(b.faded) - Number(a.faded) || (a.leader >= 0 ? 1 : 0) - (b.leader >= 0 ? 1 : 0) || a.level - b.level || b.leader - a.leader);
    return groupCurves(ordered, (info) => info.curve.points, (info) => {
      const leader = info.leader >= 0;
      return {
        stroke: leader ? LEADER_COLOR : info.faded ? BELOW : rungColor(info.level),
        width: leader ? 2.5 : 1.25,
        opacity: info.faded && !leader ? 0.6 : leader ? 1 : 0.85,
        dash: info.faded && !leader ? "3 3" : undefined,
        dotRadius: leader ? 4 : 2.5,
      };
    });
  }, [infos]);
  const rowsByEpoch = useMemo(() => new Map(data.map((r) => [r.epoch, r])), [data]);
  const maxEpochs = curves.maxEpochs || study.maxEpochs;
  const first = 1;
  const last = Math.max(2, maxEpochs);
  const leaders = infos.filter((i) => i.leader >= 0).sort((a, b) => a.leader - b.leader);
  // Stopped early: pruned, failed or interrupted, or completed before the last epoch (patience). Paused trials wait at a rung for promotion.
  // Trials still waiting at a rung when the study finished are not the race's verdicts: counted apart.
  const waited = (t: TrialRow) => t.status === "pruned" && (t.reason ?? "").startsWith("the study finished while this trial waited");
  const stopped = trials
    .filter((t) => t.reason && !waited(t) && (t.status === "pruned" || t.status === "failed" || t.status === "interrupted" || (t.status === "completed" && t.epochs < maxEpochs)))
    .sort((a, b) => b.number - a.number);
  const waiting = trials.filter(waited).length;
  const counts = rungs.map((_, k) => infos.filter((i) => i.level >= k).length);
  // A rung's label goes a row up when the previous rung is close and its label sits on the lower row.
  const labelRows: number[] = [];
  rungs.forEach((epoch, k) => labelRows.push(k > 0 && labelRows[k - 1] === 0 && closeTo(rungs[k - 1], epoch, first, last, logEpochs) ? 1 : 0));

  return (
    <div className="space-y-6">
      <Card title="The race" subtitle={`${study.metric} per epoch, coloured by the highest rung reached`} testId="race">
        <div className="space-y-3" data-testid="race-chart" data-curve-count={curves.curves.length} data-point-count={points} data-rung-count={rungs.length}>
          <div className="flex flex-wrap items-center justify-between gap-3 text-xs text-slate-500">
            <div className="flex flex-wrap items-center gap-x-4 gap-y-1">
              {rungs.length === 0 ? (
                <span>{race.isPending ? "Loading the rungs…" : "This study's scheduler has no rungs; curves are coloured alike."}</span>
              ) : (
                rungs.map((epoch, k) => (
                  <Swatch key={epoch} color={rungColor(k)} width={2} label={`rung ${k} (epoch ${epoch}): ${counts[k]}`} />
                ))
              )}
              <Swatch color={LEADER_COLOR} width={2.5} label={`top ${LEADERS}`} />
              <Swatch color={BELOW} width={1.5} dashed label="stopped / pruned" />
            </div>
            <div className="flex items-center gap-3">
              <span className="tabular-nums">
                {curves.curves.length} curves · {points.toLocaleString("en-US")} measurements
              </span>
              <label className="flex cursor-pointer items-center gap-1.5">
                <input type="checkbox" className="accent-indigo-600" checked={logEpochs} onChange={(e) => setLogEpochs(e.target.checked)} data-testid="toggle-log-epochs" />
                log epochs
              </label>
            </div>
          </div>
          {curves.curves.length === 0 ? (
            <EmptyState className="h-[420px]" testId="race-empty">
              Waiting for the first measurements…
            </EmptyState>
          ) : (
            <div className="h-[420px] w-full">
              <LineChart responsive style={{ width: "100%", height: "100%" }} data={data} margin={{ top: 34, right: 24, bottom: 24, left: 16 }}>
                <CartesianGrid stroke="#e2e8f0" strokeDasharray="3 3" />
                <XAxis
                  type="number"
                  dataKey="epoch"
                  scale={logEpochs ? "log" : "linear"}
                  domain={[first, last]}
                  ticks={logEpochs ? [...new Set([1, ...rungs, last])].filter((e) => e >= 1 && e <= last) : epochTicks(first, last)}
                  allowDataOverflow
                  allowDecimals={false}
                  tick={{ fontSize: 12, fill: "#64748b" }}
                  stroke="#cbd5e1"
                  label={{ value: `epoch${logEpochs ? " (log)" : ""}`, position: "insideBottom", offset: -14, fill: "#475569", fontSize: 12 }}
                />
                <YAxis
                  type="number"
                  domain={linear.domain}
                  ticks={linear.ticks}
                  allowDataOverflow
                  tickFormatter={(v: number) => formatValue(v)}
                  tick={{ fontSize: 12, fill: "#64748b" }}
                  stroke="#cbd5e1"
                  width={56}
                  label={{ value: study.metric, angle: -90, position: "insideLeft", offset: -4, fill: "#475569", fontSize: 12, style: { textAnchor: "middle" } }}
                />
                {rungs.map((epoch, k) => (
                  <ReferenceLine
                    key={`rung-${epoch}`}
                    x={epoch}
                    stroke={rungColor(k)}
                    strokeDasharray="4 3"
                    label={{
                      content: (props) => {
                        const box = props.viewBox as { x?: number; y?: number } | undefined;
                        if (box?.x === undefined || box.y === undefined) return null;
                        const at = logEpochs ? Math.log(epoch / first) / Math.log(last / first) : (epoch - first) / (last - first);
                        return <RungLabel x={box.x} y={box.y} k={k} share={at} row={labelRows[k]} />;
                      },
                    }}
                  />
                ))}
                <Tooltip content={(props) => <RaceTooltip {...props} infos={byKey} metric={study.metric} rows={rowsByEpoch} />} isAnimationActive={false} />
                {groupLines(groups)}
              </LineChart>
            </div>
          )}
        </div>
      </Card>

      <div className="grid gap-6 lg:grid-cols-3">
        <Card title={`Leaders (top ${LEADERS})`} testId="race-leaders">
          {leaders.length === 0 ? (
            <p className="text-sm text-slate-500">No values yet.</p>
          ) : (
            <ol className="space-y-1.5 text-sm">
              {leaders.map((l) => (
                <li key={l.trial} className="flex items-baseline justify-between gap-2" data-testid="race-leader" data-trial-number={l.trial}>
                  <Link href={`/studies/${study.id}/trials/${l.trial}`} className="font-medium text-indigo-600 hover:underline">
                    #{l.trial}
                  </Link>
                  <span className="text-xs text-slate-500">{l.level >= 0 ? `rung ${l.level}` : "before rung 0"}</span>
                  <span className="ml-auto font-mono tabular-nums">{formatValue(l.best)}</span>
                </li>
              ))}
            </ol>
          )}
        </Card>
        <Card title="Stopped early, and why" subtitle={`${stopped.length} trials`} testId="race-stopped">
          {waiting > 0 && (
            <p className="mb-2 text-xs text-slate-500" data-testid="race-waited">
              {waiting} more trial{waiting === 1 ? " was" : "s were"} waiting at a rung for promotion when the study finished (pruned then).
            </p>
          )}
          {stopped.length === 0 ? (
            <p className="text-sm text-slate-500">No trial has been stopped early yet.</p>
          ) : (
            <ul className="max-h-56 space-y-1 overflow-auto pr-1 text-xs">
              {stopped.map((t) => (
                <li key={t.number} className="flex gap-2" data-testid="race-stopped-trial">
                  <Link href={`/studies/${study.id}/trials/${t.number}`} className="font-medium text-indigo-600 hover:underline">
                    #{t.number}
                  </Link>
                  <span className="text-slate-400">{t.status}</span>
                  <span className="whitespace-nowrap text-slate-400 tabular-nums">{t.epochs} ep.</span>
                  <span className="text-slate-600">{t.reason}</span>
                </li>
              ))}
            </ul>
          )}
        </Card>
        <Card title="Do early ranks predict later ones?" testId="race-agreement">
          <RankAgreement race={race.data} />
        </Card>
      </div>
      <Card title="Warm starts and schedule branches" subtitle="each branch under the trial whose checkpoint it started from" testId="race-family">
        <FamilyTree trials={trials} studyId={study.id} />
      </Card>
    </div>
  );
}

function RankAgreement({ race }: { race: RaceResponse | undefined }) {
  if (!race) return <p className="text-sm text-slate-500">Loading…</p>;
  if (race.checks.length === 0) return <p className="text-sm text-slate-500">Not measured: this scheduler has fewer than two rungs.</p>;
  return (
    <div className="space-y-3 text-sm">
      <table className="w-full text-xs">
        <thead className="text-left text-slate-500">
          <tr>
            <th className="pb-1 font-medium" title="rung (its epoch)">rung</th>
            <th className="pb-1 text-right font-medium" title="trials compared: in the top 1/3 at this rung (kept), and below it (dropped)">kept / dropped</th>
            <th className="pb-1 pl-3 font-medium" title="the chance that a trial dropped at this rung does better than a kept one later">dropped win</th>
            <th className="pb-1 pl-3 font-medium" title="of the finished trials that ended best (the top third), the share this rung's cut kept">best kept</th>
            <th className="pb-1 pl-3 font-medium" title="Spearman's ρ between the loss at this rung and the final loss">ρ to end</th>
            <th className="pb-1 pl-3 font-medium">verdict</th>
          </tr>
        </thead>
        <tbody>
          {race.checks.map((c) => (
            <tr key={c.rung} data-testid="agreement-row" data-rung={c.rung} data-predicts={String(c.predicts)}>
              <td className="whitespace-nowrap py-0.5 tabular-nums">
                {c.rung} <span className="text-slate-400">({c.epoch})</span>
              </td>
              <td className="py-0.5 text-right tabular-nums text-slate-500">
                {c.kept} / {c.dropped}
              </td>
              <td className="py-0.5 pl-3 tabular-nums">{c.overtake === null ? <span className="text-slate-400">too few</span> : `${Math.round(c.overtake * 100)}%`}</td>
              <td className="py-0.5 pl-3 tabular-nums">{c.bestKept === null ? <span className="text-slate-400">—</span> : `${Math.round(c.bestKept * 100)}%`}</td>
              <td className="py-0.5 pl-3">
                <RhoBar rho={c.rhoToEnd} />
              </td>
              <td className="py-0.5 pl-3">
                {c.predicts === null ? (
                  <span className="whitespace-nowrap text-slate-400">not yet</span>
                ) : c.predicts ? (
                  <span className="whitespace-nowrap text-emerald-700">predicts</span>
                ) : (
                  <span className="whitespace-nowrap font-medium text-rose-700">misleads</span>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <p className="text-xs text-slate-500" data-testid="entry-rung">
        New trials enter at <b className="text-slate-800">rung {race.entryRung}</b>
        {race.rungs[race.entryRung] !== undefined ? ` (epoch ${race.rungs[race.entryRung]})` : ""}: {race.reason}.
      </p>
      <p className="text-xs text-slate-400">
        A rung misleads when trials it would drop, trained to the end anyway (audits), end better than the ones it keeps at least half the time, or when its cut would have dropped more than half of the finished trials that ended best — settings that learn fast early and end worse.
      </p>
    </div>
  );
}

function RhoBar({ rho }: { rho: number | null }) {
  if (rho === null || !Number.isFinite(rho)) return <span className="text-slate-400">too few</span>;
  const w = Math.abs(rho) * 50;
  return (
    <span className="flex items-center gap-1.5 whitespace-nowrap">
      <span className="relative h-2 w-10 shrink-0 rounded-full bg-slate-100">
        <span className="absolute inset-y-0 left-1/2 w-px bg-slate-300" />
        <span className={`absolute inset-y-0 rounded-full ${rho >= 0 ? "bg-emerald-500" : "bg-rose-500"}`} style={rho >= 0 ? { left: "50%", width: `${w}%` } : { right: "50%", width: `${w}%` }} />
      </span>
      <span className="font-mono tabular-nums">{rho.toFixed(2)}</span>
    </span>
  );
}

function Swatch({ color, width, label, dashed = false }: { color: string; width: number; label: string; dashed?: boolean }) {
  return (
    <span className="flex items-center gap-1.5">
      <svg width="18" height="8" aria-hidden>
        <line x1="0" y1="4" x2="18" y2="4" stroke={color} strokeWidth={width} strokeDasharray={dashed ? "3 2" : undefined} />
      </svg>
      {label}
    </span>
  );
}
