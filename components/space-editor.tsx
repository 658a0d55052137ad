"use client";
import type { ParamDef } from "@/lib/api/schemas";
import { describeParam } from "@/lib/client/format";

type Choice = string | number | boolean;

/** One parameter as the form edits it: numbers stay text until submit, so a person can type freely. */
export type SpaceRow =
  | { type: "float"; name: string; low: string; high: string; log: boolean; original: ParamDef }
  | { type: "int"; name: string; low: string; high: string; step: string; log: boolean; original: ParamDef }
  | { type: "categorical"; name: string; choices: Choice[]; selected: boolean[]; original: ParamDef };

/** The editable rows for an objective's default space. */
export function rowsFromSpace(space: ParamDef[]): SpaceRow[] {
  return space.map((p): SpaceRow => {
    if (p.type === "categorical") return { type: "categorical", name: p.name, choices: p.choices, selected: p.choices.map(() => true), original: p };
    if (p.type === "int") {
      return { type: "int", name: p.name, low: String(p.low), high: String(p.high), step: p.step === undefined ? "" : String(p.step), log: !!p.log, original: p };
    }
    return { type: "float", name: p.name, low: String(p.low), high: String(p.high), log: !!p.log, original: p };
  });
}

function parseNumber(text: string): number {
  return text.trim() === "" ? Number.NaN : Number(text);
}

/**
 * Turns rows into the API's space and the problems the browser can see on its
 * own (keyed by the same paths the server uses, such as "space.0.low").
 */
export function spaceFromRows(rows: SpaceRow[]): { space: ParamDef[]; issues: Record<string, string> } {
  const issues: Record<string, string> = {};
  const space = rows.map((row, i): ParamDef => {
    const at = `space.${i}`;
    if (row.type === "categorical") {
      const choices = row.choices.filter((_, j) => row.selected[j]);
      if (choices.length === 0) issues[`${at}.choices`] = "keep at least one choice";
      return { type: "categorical", name: row.name, choices };
    }
    const low = parseNumber(row.low);
    const high = parseNumber(row.high);
    if (!Number.isFinite(low)) issues[`${at}.low`] = "must be a number";
    if (!Number.isFinite(high)) issues[`${at}.high`] = "must be a number";
    if (Number.isFinite(low) && Number.isFinite(high) && low > high) issues[`${at}.low`] = `low (${low}) must not exceed high (${high})`;
    if (row.log && Number.isFinite(low) && low <= 0) issues[`${at}.low`] ??= "a log-scale parameter needs low > 0";
    if (row.type === "int") {
      if (Number.isFinite(low) && !Number.isInteger(low)) issues[`${at}.low`] ??= "must be an integer";
      if (Number.isFinite(high) && !Number.isInteger(high)) issues[`${at}.high`] ??= "must be an integer";
      const step = row.step.trim() === "" ? undefined : parseNumber(row.step);
      if (step !== undefined && !(Number.isInteger(step) && step >= 1)) issues[`${at}.step`] = "must be a positive integer";
      return { type: "int", name: row.name, low, high, ...(row.log ? { log: true } : {}), ...(step !== undefined ? { step } : {}) };
    }
    return { type: "float", name: row.name, low, high, ...(row.log ? { log: true } : {}) };
  });
  return { space, issues };
}

const inputClass =
  "rounded-md border-0 bg-white px-2 py-1 font-mono text-sm tabular-nums text-slate-900 ring-1 ring-inset ring-slate-300 focus:ring-2 focus:ring-indigo-600 focus:outline-none aria-[invalid=true]:ring-rose-500";

function errorsFor(errors: Record<string, string[]>, paths: string[]): { path: string; message: string }[] {
  return paths.flatMap((path) => (errors[path] ?? []).map((message) => ({ path, message })));
}

/** The search space as a table: a row per parameter, names fixed, ranges and choices editable. */
export function SpaceEditor({
  rows,
  onChange,
  errors,
}: {
  rows: SpaceRow[];
  onChange: (rows: SpaceRow[]) => void;
  errors: Record<string, string[]>;
}) {
  const update = (i: number, row: SpaceRow) => onChange(rows.map((r, j) => (j === i ? row : r)));

  return (
    <div className="overflow-x-auto rounded-md ring-1 ring-slate-200" data-testid="space-editor">
      <table className="min-w-full text-sm">
        <thead className="bg-slate-50 text-left text-xs font-medium uppercase tracking-wide text-slate-500">
          <tr>
            <th className="px-3 py-2">Parameter</th>
            <th className="px-3 py-2">Type</th>
            <th className="px-3 py-2">Range or choices</th>
            <th className="px-3 py-2">Default</th>
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-100">
          {rows.map((row, i) => {
            const at = `space.${i}`;
            const rowErrors = errorsFor(errors, [at, `${at}.low`, `${at}.high`, `${at}.step`, `${at}.choices`, `${at}.log`, `${at}.name`, `${at}.type`]);
            return (
              <tr key={row.name} data-testid="space-row" data-param={row.name} className="align-top">
                <td className="px-3 py-2 font-mono text-sm font-medium text-slate-900">{row.name}</td>
                <td className="px-3 py-2">
                  <span className="rounded bg-slate-100 px-1.5 py-0.5 font-mono text-xs text-slate-600">{row.type}</span>
                </td>
                <td className="px-3 py-2">
                  {row.type === "categorical" ? (
                    <div className="flex flex-wrap gap-2">
                      {row.choices.map((choice, j) => (
                        <label
                          key={String(choice)}
                          className="inline-flex cursor-pointer items-center gap-1.5 rounded-md bg-slate-50 px-2 py-1 font-mono text-xs ring-1 ring-slate-200 has-checked:bg-indigo-50 has-checked:ring-indigo-300"
                        >
                          <input
                            type="checkbox"
                            className="accent-indigo-600"
                            checked={row.selected[j] ?? false}
                            onChange={(e) => update(i, { ...row, selected: row.selected.map((s, k) => (k === j ? e.target.checked : s)) })}
                            data-testid={`field-space-${row.name}-choice-${j}`}
                          />
                          {String(choice)}
                        </label>
                      ))}
                    </div>
                  ) : (
                    <div className="flex flex-wrap items-center gap-x-3 gap-y-2">
                      <label className="flex items-center gap-1 text-xs text-slate-500">
                        low
                        <input
                          className={`${inputClass} w-24`}
                          inputMode="decimal"
                          value={row.low}
                          aria-invalid={!!errors[`${at}.low`]}
                          onChange={(e) => update(i, { ...row, low: e.target.value })}
                          data-testid={`field-space-${row.name}-low`}
                        />
                      </label>
                      <label className="flex items-center gap-1 text-xs text-slate-500">
                        high
                        <input
                          className={`${inputClass} w-24`}
                          inputMode="decimal"
                          value={row.high}
                          aria-invalid={!!errors[`${at}.high`]}
                          onChange={(e) => update(i, { ...row, high: e.target.value })}
                          data-testid={`field-space-${row.name}-high`}
                        />
                      </label>
                      {row.type === "int" && (
                        <label className="flex items-center gap-1 text-xs text-slate-500">
                          step
                          <input
                            className={`${inputClass} w-16`}
                            inputMode="numeric"
                            placeholder="1"
                            value={row.step}
                            aria-invalid={!!errors[`${at}.step`]}
                            onChange={(e) => update(i, { ...row, step: e.target.value })}
                            data-testid={`field-space-${row.name}-step`}
                          />
                        </label>
                      )}
                      <label className="flex items-center gap-1 text-xs text-slate-500">
                        <input
                          type="checkbox"
                          className="accent-indigo-600"
                          checked={row.log}
                          onChange={(e) => update(i, { ...row, log: e.target.checked })}
                          data-testid={`field-space-${row.name}-log`}
                        />
                        log
                      </label>
                    </div>
                  )}
                  {rowErrors.map(({ path, message }) => (
                    <p key={`${path}:${message}`} className="mt-1 text-xs text-rose-600" data-testid="field-error" data-path={path}>
                      {message.includes(row.name) ? message : `${row.name}${path.startsWith(`${at}.`) ? `.${path.slice(at.length + 1)}` : ""}: ${message}`}
                    </p>
                  ))}
                </td>
                <td className="px-3 py-2 font-mono text-xs text-slate-500">{describeParam(row.original)}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
