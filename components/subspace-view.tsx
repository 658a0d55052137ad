"use client";
import { useState } from "react";
import type { ParamDef, RuleChangeResponse, RuleView, StudySummary } from "@/lib/api/schemas";
import { ApiRequestError } from "@/lib/client/api";
import { formatParam } from "@/lib/client/format";
import { useAddRule, useAnalysis, useDecideRule } from "@/lib/client/queries";
import { describeRule, ruleShape, zMeanings } from "@/lib/client/rule-text";
import { describeRange, formatShare, unitOf, valueToUnit } from "@/lib/client/units";
import { Card } from "./card";
import { runsSieve } from "./correlations-panel";
import { RangeBar } from "./range-bar";
import { RuleChangeNotice } from "./rule-change-notice";
import { SmallButton } from "./small-button";
import { FidelityFindings } from "./fidelity-findings";

const STATUS_STYLES: Record<RuleView["status"], string> = {
  proposed: "bg-amber-50 text-amber-800 ring-amber-600/20",
  active: "bg-indigo-50 text-indigo-700 ring-indigo-600/20",
  rejected: "bg-slate-100 text-slate-500 ring-slate-500/20",
  relaxed: "bg-slate-100 text-slate-600 ring-slate-500/20",
};
const STATUS_ORDER: RuleView["status"][] = ["proposed", "active", "relaxed", "rejected"];

/**
 * The current range of each parameter in unit coordinates: the latest
 * round's bounds, narrowed by the user's rules in force (which the next
 * round will include anyway, but should show at once).
 */
function currentRanges(space: ParamDef[], bounds: [number, number][] | undefined, rules: RuleView[]) {
  const ranges = space.map((_, i) => [...(bounds?.[i] ?? [0, 1])] as [number, number]);
  const pins = new Map<string, number | string | boolean>();
  for (const rule of rules) {
    if (rule.status !== "active") continue;
    const shape = ruleShape(rule);
    const i = shape && "param" in shape ? space.findIndex((p) => p.name === shape.param) : -1;
    if (!shape || i < 0) continue;
    const p = space[i];
    if (shape.kind === "pin") {
      pins.set(p.name, shape.value);
      const z = unitOf(p, shape.value);
      if (Number.isFinite(z)) ranges[i] = [z, z];
    } else if (shape.kind === "range" && p.type !== "categorical") {
      ranges[i] = [Math.max(ranges[i][0], valueToUnit(p, shape.low)), Math.min(ranges[i][1], valueToUnit(p, shape.high))];
    }
  }
  return { ranges, pins, proposals: proposedSpans(space, rules) };
}

/** Proposed one-parameter slabs, as unit intervals per parameter, to show on the range bars before they are accepted. */
function proposedSpans(space: ParamDef[], rules: RuleView[]): Map<string, { id: string; span: [number, number] }[]> {
  const out = new Map<string, { id: string; span: [number, number] }[]>();
  for (const rule of rules) {
    const shape = rule.status === "proposed" ? ruleShape(rule) : null;
    if (!shape || shape.kind !== "slab" || shape.params.length !== 1 || !space.some((p) => p.name === shape.params[0])) continue;
    const w = shape.weights[0] || 1;
    const [a, b] = [shape.low / w, shape.high / w].sort((x, y) => x - y);
    const list = out.get(shape.params[0]) ?? [];
    list.push({ id: rule.id, span: [Math.max(0, a), Math.min(1, b)] });
    out.set(shape.params[0], list);
  }
  return out;
}

/** The subspace tab: each parameter's full range against its current one, pins and ranges set by hand, and the rules with their evidence. */
export function SubspaceView({ study, live }: { study: StudySummary; live: boolean }) {
  const analysis = useAnalysis(study.id, live);
  const add = useAddRule(study.id);
  const decide = useDecideRule(study.id);
  const [change, setChange] = useState<RuleChangeResponse | null>(null);
  const snapshots = analysis.data?.snapshots ?? [];
  const latest = snapshots[snapshots.length - 1];
  const rules = analysis.data?.rules ?? [];
  const { ranges, pins, proposals } = currentRanges(study.space, latest?.bounds, rules);
  const error = add.error ?? decide.error;
  const onChange = { onSuccess: (res: RuleChangeResponse) => setChange(res) };
  // The server takes rule changes for running or paused studies only.
  const editable = study.status === "running" || study.status === "paused";
  // Until the rules have loaded, a pin or a range could duplicate or contradict one the page does not show yet.
  const loading = analysis.isPending;
  const busy = add.isPending || decide.isPending || !editable || loading;
  const sorted = [...rules].sort((a, b) => STATUS_ORDER.indexOf(a.status) - STATUS_ORDER.indexOf(b.status));

  return (
    <div className="space-y-6">
      {change && <RuleChangeNotice studyId={study.id} change={change} onDone={() => setChange(null)} />}
      {error && (
        <div className="rounded-md border border-rose-200 bg-rose-50 px-4 py-2 text-sm text-rose-800" role="alert" data-testid="rule-error">
          {error.message}
          {error instanceof ApiRequestError && error.body.issues && error.body.issues.length > 0 && (
            <ul className="mt-1 list-inside list-disc">
              {error.body.issues.map((i) => (
                <li key={`${i.path}:${i.message}`}>
                  <span className="font-mono text-xs">{i.path}</span>: {i.message}
                </li>
              ))}
            </ul>
          )}
        </div>
      )}

      <Card
        title="Search space"
        subtitle={
          loading
            ? "loading the analysis…"
            : latest
            ? `after analysis round ${snapshots.length}: the subspace holds ${formatShare(latest.volumeShare)} of the space`
            : runsSieve(study.strategy)
              ? "no analysis round yet: the full space"
              : "the full space, narrowed only by your rules"
        }
        testId="subspace"
      >
        <FidelityFindings findings={latest?.fidelityEffects} />
        <p className="mb-4 mt-4 text-xs text-slate-500">
          Each bar is a parameter&apos;s full range (log scale where log): the indigo part is the current range, a dashed amber outline a proposed slab, a black mark a pinned value.{" "}
          {editable ? "Drag on a bar to restrict the range, or pin a value." : `The study is ${study.status}: rules can change only while it runs or is paused.`}
        </p>
        <div className="divide-y divide-slate-100">
          {study.space.map((p, i) => (
            <ParamRow
              key={p.name}
              param={p}
              range={ranges[i]}
              pinned={pins.get(p.name)}
              proposed={proposals.get(p.name) ?? []}
              disabled={busy}
              editable={editable}
              onRange={(low, high) => add.mutate({ kind: "range", param: p.name, low, high }, onChange)}
              onPin={(value) => add.mutate({ kind: "pin", param: p.name, value }, onChange)}
            />
          ))}
        </div>
      </Card>

      <Card
        title="Rules"
        subtitle={loading ? "loading…" : `${rules.length} rule${rules.length === 1 ? "" : "s"}; user rules always win over discovered ones`}
        flush
        testId="rules"
      >
        {loading ? (
          <p className="px-5 py-8 text-center text-sm text-slate-500" data-testid="rules-loading" aria-busy="true">
            Loading the rules…
          </p>
        ) : analysis.error && rules.length === 0 ? (
          <p className="px-5 py-8 text-center text-sm text-rose-700" data-testid="rules-error">
            The rules could not be loaded: {analysis.error.message}
          </p>
        ) : rules.length === 0 ? (
          <p className="px-5 py-8 text-center text-sm text-slate-500" data-testid="rules-empty">
            No rules yet. {runsSieve(study.strategy) ? "The sieve proposes slabs once its analysis finds where the good trials lie; " : ""}
            pin a value or drag on a range bar to add one.
          </p>
        ) : (
          <ul className="divide-y divide-slate-100">
            {sorted.map((rule) => (
              <RuleRow
                key={rule.id}
                rule={rule}
                space={study.space}
                disabled={busy}
                editable={editable}
                onDecide={(status) => decide.mutate({ ruleId: rule.id, status }, onChange)}
              />
            ))}
          </ul>
        )}
      </Card>
    </div>
  );
}

function ParamRow({
  param,
  range,
  pinned,
  proposed,
  disabled,
  editable,
  onRange,
  onPin,
}: {
  param: ParamDef;
  range: [number, number];
  pinned: number | string | boolean | undefined;
  proposed: { id: string; span: [number, number] }[];
  disabled: boolean;
  /** False once the study has finished: no pin field then. */
  editable: boolean;
  onRange: (low: number, high: number) => void;
  onPin: (value: number | string | boolean) => void;
}) {
  const [text, setText] = useState("");
  const [problem, setProblem] = useState<string | null>(null);
  const submitPin = () => {
    if (param.type === "categorical") {
      const choice = param.choices.find((c) => String(c) === text) ?? param.choices[0];
      onPin(choice);
      return;
    }
    const value = Number(text);
    if (text.trim() === "" || !Number.isFinite(value)) return setProblem("enter a number");
    if (value < param.low || value > param.high) return setProblem(`must lie in ${describeRange(param)}`);
    if (param.type === "int" && !Number.isInteger(value)) return setProblem("must be an integer");
    setProblem(null);
    onPin(value);
  };
  return (
    <div
      className={`grid grid-cols-1 items-center gap-x-6 gap-y-2 py-3 ${editable ? "md:grid-cols-[9rem_1fr_14rem]" : "md:grid-cols-[9rem_1fr]"}`}
      data-testid="param-row"
      data-param={param.name}
    >
      <div>
        <div className="font-mono text-sm font-medium text-slate-800">{param.name}</div>
        <div className="text-xs text-slate-500">
          {param.type} · {describeRange(param)}
        </div>
        {pinned !== undefined && (
          <div className="mt-0.5 text-xs font-medium text-slate-900" data-testid={`pinned-${param.name}`}>
            pinned at {formatParam(pinned)}
          </div>
        )}
      </div>
      <RangeBar param={param} range={range} pinned={pinned} proposed={proposed} disabled={disabled} onSelect={onRange} />
      {editable && (
        <form
          className="flex items-start gap-2"
          onSubmit={(e) => {
            e.preventDefault();
            submitPin();
          }}
        >
          <div className="min-w-0 flex-1">
            {param.type === "categorical" ? (
              <select
                className="block w-full rounded-md border-0 bg-white py-1 pr-8 pl-2 text-sm text-slate-900 shadow-sm ring-1 ring-inset ring-slate-300 focus:ring-2 focus:ring-indigo-600 focus:outline-none"
                value={text || String(param.choices[0])}
                disabled={disabled}
                onChange={(e) => setText(e.target.value)}
                data-testid={`pin-value-${param.name}`}
              >
                {param.choices.map((c) => (
                  <option key={String(c)} value={String(c)}>
                    {String(c)}
                  </option>
                ))}
              </select>
            ) : (
              <>
                <input
                  className="block w-full rounded-md border-0 bg-white px-2 py-1 text-sm text-slate-900 shadow-sm ring-1 ring-inset ring-slate-300 tabular-nums focus:ring-2 focus:ring-indigo-600 focus:outline-none aria-[invalid=true]:ring-rose-500"
                  inputMode="decimal"
                  placeholder={param.grid ? param.grid.slice(0, 4).map(formatParam).join(", ") + (param.grid.length > 4 ? ", …" : "") : `${formatParam(param.low)} … ${formatParam(param.high)}`}
                  list={param.grid ? `grid-${param.name}` : undefined}
                  value={text}
                  onChange={(e) => {
                    setText(e.target.value);
                    setProblem(null);
                  }}
                  disabled={disabled}
                  aria-invalid={problem !== null}
                  aria-label={`value to pin ${param.name} at`}
                  data-testid={`pin-value-${param.name}`}
                />
                {param.grid && (
                  <datalist id={`grid-${param.name}`}>
                    {param.grid.map((v) => (
                      <option key={v} value={v} />
                    ))}
                  </datalist>
                )}
              </>
            )}
            {problem && <p className="mt-0.5 text-xs text-rose-600">{problem}</p>}
          </div>
          <SmallButton tone="neutral" type="submit" disabled={disabled} testId={`btn-pin-${param.name}`}>
            Pin
          </SmallButton>
        </form>
      )}
    </div>
  );
}

function RuleRow({
  rule,
  space,
  disabled,
  editable,
  onDecide,
}: {
  rule: RuleView;
  space: ParamDef[];
  disabled: boolean;
  editable: boolean;
  onDecide: (status: "active" | "rejected") => void;
}) {
  const ev = rule.evidence;
  const muted = rule.status === "rejected" || rule.status === "relaxed";
  return (
    <li className={`flex flex-wrap items-start justify-between gap-3 px-5 py-3 ${muted ? "opacity-70" : ""}`} data-testid="rule-row" data-rule-id={rule.id} data-status={rule.status} data-origin={rule.origin}>
      <div className="min-w-0 flex-1">
        <div className="flex flex-wrap items-center gap-2">
          <span className={`text-sm font-medium ${muted ? "text-slate-500 line-through decoration-slate-300" : "text-slate-900"}`}>{describeRule(rule, space)}</span>
          <span className={`rounded-full px-2 py-0.5 text-xs font-medium ring-1 ring-inset ${STATUS_STYLES[rule.status]}`} data-testid="rule-status">
            {rule.status}
          </span>
          <span className="rounded-full bg-slate-50 px-2 py-0.5 text-xs text-slate-500 ring-1 ring-inset ring-slate-200">{rule.origin === "user" ? "yours" : "discovered"}</span>
        </div>
        {zMeanings(rule, space).length > 0 && (
          <p className="mt-0.5 text-xs text-slate-500" data-testid="rule-z-meaning">
            z is a parameter&apos;s position in its range (0 = low end, 1 = high end): {zMeanings(rule, space).join("; ")}.
          </p>
        )}
        <div className="mt-0.5 flex flex-wrap gap-x-3 text-xs text-slate-500">
          <span className="font-mono">{rule.id}</span>
          {ev && <span data-testid="rule-evidence">{ev.summary}</span>}
          {ev && ev.trials > 0 && !ev.summary.includes("p =") && (
            <span className="tabular-nums">
              p = {ev.p.toPrecision(2)}, {ev.trials} trials
            </span>
          )}
        </div>
      </div>
      {editable && (
        <div className="flex gap-2">
          {rule.status === "proposed" && (
            <SmallButton tone="primary" disabled={disabled} onClick={() => onDecide("active")} testId="btn-accept">
              Accept
            </SmallButton>
          )}
          {(rule.status === "proposed" || (rule.status === "active" && rule.origin === "discovered")) && (
            <SmallButton tone="neutral" disabled={disabled} onClick={() => onDecide("rejected")} testId="btn-reject">
              Reject
            </SmallButton>
          )}
          {rule.status === "active" && rule.origin === "user" && (
            <SmallButton tone="danger" disabled={disabled} onClick={() => onDecide("rejected")} testId="btn-withdraw">
              Withdraw
            </SmallButton>
          )}
        </div>
      )}
    </li>
  );
}
