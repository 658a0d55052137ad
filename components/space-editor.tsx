"use client";
import type { ParamDef } from "@/lib/api/schemas";
import { paramNameProblem } from "@/lib/client/training-spec";
import { describeParam } from "@/lib/client/format";

type Choice = string | number | boolean;

/**
 * One parameter as the form edits it: numbers stay text until submit, so a person can type freely.
 * `key` is stable across edits (names change while typed); `original` is the objective's param, absent for a user's own.
 */
export type SpaceRow =
  | { key: string; type: "float"; name: string; low: string; high: string; log: boolean; original?: ParamDef }
  | { key: string; type: "int"; name: string; low: string; high: string; step: string; log: boolean; original?: ParamDef }
  | { key: string; type: "categorical"; name: string; choices: Choice[]; selected: boolean[]; choicesText: string; original?: ParamDef };

export type SpaceRowType = SpaceRow["type"];

/** The editable rows for an objective's default space. */
export function rowsFromSpace(space: ParamDef[]): SpaceRow[] {
  return space.map((p, i): SpaceRow => {
    const key = `k${i}`;
    if (p.type === "categorical") {
      return { key, type: "categorical", name: p.name, choices: p.choices, selected: p.choices.map(() => true), choicesText: p.choices.map(String).join(", "), original: p };
    }
    if (p.type === "int") {
      return { key, type: "int", name: p.name, low: String(p.low), high: String(p.high), step: p.step === undefined ? "" : String(p.step), log: !!p.log, original: p };
    }
    return { key, type: "float", name: p.name, low: String(p.low), high: String(p.high), log: !!p.log, original: p };
  });
}

/** A key no row of `rows` has. */
function freshKey(rows: SpaceRow[]): string {
  return `k${1 + Math.max(-1, ...rows.map((r) => Number(r.key.slice(1)) || 0))}`;
}

/** The row changed to another type, keeping its name and whatever bounds still apply. */
export function withType(row: SpaceRow, type: SpaceRowType): SpaceRow {
  if (row.type === type) return row;
  const base = { key: row.key, name: row.name };
  if (type === "categorical") return { ...base, type, choices: [], selected: [], choicesText: "" };
  const bounds = row.type === "categorical" ? { low: "0", high: "1", log: false } : { low: row.low, high: row.high, log: row.log };
  return type === "int" ? { ...base, type, ...bounds, step: "" } : { ...base, type, ...bounds };
}

/** Choices typed as "adam, sgd, 0.5, true": numbers and booleans keep their type, the rest are strings. */
export function parseChoices(text: string): Choice[] {
  return text
    .split(",")
    .map((s) => s.trim())
    .filter((s) => s !== "")
    .map((s): Choice => (s === "true" ? true : s === "false" ? false : /^[-+.\d]/.test(s) && Number.isFinite(Number(s)) ? Number(s) : s));
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
  if (rows.length === 0) issues.space = "add at least one parameter";
  const firstRow = new Map<string, number>();
  rows.forEach((row, i) => {
    const problem = paramNameProblem(row.name);
    if (problem) issues[`space.${i}.name`] = problem;
    else if (firstRow.has(row.name)) issues[`space.${i}.name`] = `'${row.name}' is already the name of parameter ${firstRow.get(row.name)! + 1}`;
    else firstRow.set(row.name, i);
  });
  const space = rows.map((row, i): ParamDef => {
    const at = `space.${i}`;
    // What the objective defines (grids, steps, log scales) goes out exactly as it came unless the user changed it.
    if (row.original && !isEdited(row)) return row.original;
    if (row.type === "categorical") {
      const choices = row.choices.filter((_, j) => row.selected[j]);
      if (choices.length === 0) issues[`${at}.choices`] = row.original ? "keep at least one choice" : "list at least one choice";
      else if (new Set(choices.map(String)).size < choices.length) issues[`${at}.choices`] = "lists a choice twice";
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
      const grid = narrowedGrid(row.original, low, high, at, issues);
      return { type: "int", name: row.name, low, high, ...(row.log ? { log: true } : {}), ...(step !== undefined ? { step } : {}), ...grid };
    }
    const grid = narrowedGrid(row.original, low, high, at, issues);
    return { type: "float", name: row.name, low, high, ...(row.log ? { log: true } : {}), ...grid };
  });
  return { space, issues };
}

/** Whether a row differs from the objective's parameter it came from (always true for a user's own row). */
export function isEdited(row: SpaceRow): boolean {
  const p = row.original;
  if (!p || p.type !== row.type || p.name !== row.name) return true;
  if (row.type === "categorical" || p.type === "categorical") return row.type === "categorical" && row.selected.some((s) => !s);
  const sameNumber = (text: string, value: number) => text.trim() !== "" && Number(text) === value;
  if (!sameNumber(row.low, p.low) || !sameNumber(row.high, p.high) || row.log !== !!p.log) return true;
  return row.type === "int" && p.type === "int" && row.step.trim() !== (p.step === undefined ? "" : String(p.step));
}

/**
 * The objective's grid values inside [low, high] (a table has rows only at its grid points, so a narrowed
 * range keeps them rather than sampling between them); an issue when none is left.
 */
function narrowedGrid(original: ParamDef | undefined, low: number, high: number, at: string, issues: Record<string, string>): { grid?: number[] } {
  if (!original || original.type === "categorical" || !original.grid) return {};
  if (!Number.isFinite(low) || !Number.isFinite(high)) return {};
  const grid = original.grid.filter((v) => v >= low && v <= high);
  if (grid.length === 0) issues[`${at}.low`] ??= `no grid value (${original.grid.map(String).join(", ")}) lies in [${low}, ${high}]`;
  return { grid };
}

/** The grid values of an objective's parameter as chips, those outside the row's current range faded. */
function GridChips({ row }: { row: Extract<SpaceRow, { type: "float" | "int" }> }) {
  const p = row.original;
  if (!p || p.type === "categorical" || !p.grid) return null;
  const low = parseNumber(row.low);
  const high = parseNumber(row.high);
  const inside = (v: number) => !(v < low) && !(v > high);
  return (
    <div className="mt-2 flex flex-wrap items-center gap-1" data-testid={`space-grid-${row.name}`} aria-label={`${row.name} takes only these grid values`}>
      <span className="mr-1 text-xs text-slate-500">grid</span>
      {p.grid.map((v) => (
        <span
          key={v}
          className={`rounded px-1.5 py-0.5 font-mono text-xs tabular-nums ring-1 ring-inset ${
            inside(v) ? "bg-indigo-50 text-indigo-800 ring-indigo-200" : "bg-white text-slate-400 line-through ring-slate-200"
          }`}
          data-testid="space-grid-value"
          data-inside={inside(v)}
        >
          {String(v)}
        </span>
      ))}
    </div>
  );
}

const inputClass =
  "rounded-md border-0 bg-white px-2 py-1 font-mono text-sm tabular-nums text-slate-900 ring-1 ring-inset ring-slate-300 focus:ring-2 focus:ring-indigo-600 focus:outline-none aria-[invalid=true]:ring-rose-500";

const FIELDS = ["", ".name", ".type", ".low", ".high", ".step", ".log", ".choices"];

/**
 * The search space as a table, a row per parameter. By default the names are
 * the objective's, fixed, and ranges and choices can only be narrowed; with
 * `editableNames` the user names, types, adds and removes parameters.
 * Errors are looked up under each of `pathPrefixes` ("space", "command.space").
 */
export function SpaceEditor({
  rows,
  onChange,
  errors,
  editableNames = false,
  pathPrefixes = ["space"],
}: {
  rows: SpaceRow[];
  onChange: (rows: SpaceRow[]) => void;
  errors: Record<string, string[]>;
  editableNames?: boolean;
  pathPrefixes?: string[];
}) {
  const update = (i: number, row: SpaceRow) => onChange(rows.map((r, j) => (j === i ? row : r)));
  const errorsAt = (i: number, field: string) =>
    pathPrefixes.flatMap((prefix) => (errors[`${prefix}.${i}${field}`] ?? []).map((message) => ({ path: `${prefix}.${i}${field}`, field, message })));
  const invalid = (i: number, field: string) => errorsAt(i, field).length > 0;
  // In the editable mode test ids count rows, since a name changes as it is typed.
  const id = (i: number, row: SpaceRow) => (editableNames ? String(i) : row.name);
  const addRow = () => onChange([...rows, { key: freshKey(rows), type: "float", name: "", low: "0", high: "1", log: false }]);

  return (
    <div className="space-y-3">
      <div className="overflow-x-auto rounded-md ring-1 ring-slate-200" data-testid="space-editor" data-editable={editableNames}>
        <table className="min-w-full text-sm">
          <thead className="bg-slate-50 text-left text-xs font-medium uppercase tracking-wide text-slate-500">
            <tr>
              <th className="px-3 py-2">Parameter</th>
              <th className="px-3 py-2">Type</th>
              <th className="px-3 py-2">Range or choices</th>
              <th className="px-3 py-2">{editableNames ? <span className="sr-only">Remove</span> : "Default"}</th>
            </tr>
          </thead>
          <tbody className="divide-y divide-slate-100">
            {rows.length === 0 && (
              <tr>
                <td colSpan={4} className="px-3 py-6 text-center text-sm text-slate-500">
                  No parameters yet. Add the ones your program takes.
                </td>
              </tr>
            )}
            {rows.map((row, i) => {
              const rowErrors = FIELDS.flatMap((field) => errorsAt(i, field));
              const label = row.name || `parameter ${i + 1}`;
              return (
                <tr key={row.key} data-testid="space-row" data-param={row.name} className="align-top">
                  <td className="px-3 py-2 font-mono text-sm font-medium text-slate-900">
                    {editableNames ? (
                      <input
                        className={`${inputClass} w-36`}
                        value={row.name}
                        placeholder="name"
                        aria-label={`name of parameter ${i + 1}`}
                        aria-invalid={invalid(i, ".name")}
                        spellCheck={false}
                        autoComplete="off"
                        onChange={(e) => update(i, { ...row, name: e.target.value.trim() })}
                        data-testid={`field-space-${i}-name`}
                      />
                    ) : (
                      row.name
                    )}
                  </td>
                  <td className="px-3 py-2">
                    {editableNames ? (
                      <select
                        className={`${inputClass} w-32`}
                        value={row.type}
                        aria-label={`type of ${label}`}
                        onChange={(e) => update(i, withType(row, e.target.value as SpaceRowType))}
                        data-testid={`field-space-${i}-type`}
                      >
                        <option value="float">float</option>
                        <option value="int">int</option>
                        <option value="categorical">categorical</option>
                      </select>
                    ) : (
                      <span className="rounded bg-slate-100 px-1.5 py-0.5 font-mono text-xs text-slate-600">{row.type}</span>
                    )}
                  </td>
                  <td className="px-3 py-2">
                    {row.type === "categorical" ? (
                      editableNames ? (
                        <input
                          className={`${inputClass} w-full min-w-56`}
                          value={row.choicesText}
                          placeholder="adam, sgd, rmsprop"
                          aria-label={`choices of ${label}, comma-separated`}
                          aria-invalid={invalid(i, ".choices")}
                          onChange={(e) => {
                            const choices = parseChoices(e.target.value);
                            update(i, { ...row, choicesText: e.target.value, choices, selected: choices.map(() => true) });
                          }}
                          data-testid={`field-space-${i}-choices`}
                        />
                      ) : (
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
                      )
                    ) : (
                      <div className="flex flex-wrap items-center gap-x-3 gap-y-2">
                        <label className="flex items-center gap-1 text-xs text-slate-500">
                          low
                          <input
                            className={`${inputClass} w-24`}
                            inputMode="decimal"
                            value={row.low}
                            aria-invalid={invalid(i, ".low")}
                            onChange={(e) => update(i, { ...row, low: e.target.value })}
                            data-testid={`field-space-${id(i, row)}-low`}
                          />
                        </label>
                        <label className="flex items-center gap-1 text-xs text-slate-500">
                          high
                          <input
                            className={`${inputClass} w-24`}
                            inputMode="decimal"
                            value={row.high}
                            aria-invalid={invalid(i, ".high")}
                            onChange={(e) => update(i, { ...row, high: e.target.value })}
                            data-testid={`field-space-${id(i, row)}-high`}
                          />
                        </label>
                        {row.type === "int" && row.original?.type === "int" && !row.original.grid && !editableNames && (
                          <span className="text-xs text-slate-500" data-testid={`space-${row.name}-step`}>
                            step <span className="font-mono text-slate-700">{row.original.step ?? 1}</span>
                          </span>
                        )}
                        {row.type === "int" && (editableNames || !row.original) && (
                          <label className="flex items-center gap-1 text-xs text-slate-500">
                            step
                            <input
                              className={`${inputClass} w-16`}
                              inputMode="numeric"
                              placeholder="1"
                              value={row.step}
                              aria-invalid={invalid(i, ".step")}
                              onChange={(e) => update(i, { ...row, step: e.target.value })}
                              data-testid={`field-space-${id(i, row)}-step`}
                            />
                          </label>
                        )}
                        {!editableNames && row.original ? (
                          <span className="text-xs text-slate-500" data-testid={`space-${row.name}-scale`}>
                            {row.log ? "log scale" : "linear scale"}
                          </span>
                        ) : (
                        <label className="flex items-center gap-1 text-xs text-slate-500">
                          <input
                            type="checkbox"
                            className="accent-indigo-600"
                            checked={row.log}
                            onChange={(e) => update(i, { ...row, log: e.target.checked })}
                            data-testid={`field-space-${id(i, row)}-log`}
                          />
                          log
                        </label>
                        )}
                      </div>
                    )}
                    {row.type !== "categorical" && <GridChips row={row} />}
                    {rowErrors.map(({ path, field, message }) => (
                      <p key={`${path}:${message}`} className="mt-1 text-xs text-rose-600" data-testid="field-error" data-path={path}>
                        {row.name && message.includes(row.name) ? message : `${label}${field}: ${message}`}
                      </p>
                    ))}
                  </td>
                  <td className="px-3 py-2 text-right font-mono text-xs text-slate-500">
                    {editableNames ? (
                      <button
                        type="button"
                        onClick={() => onChange(rows.filter((_, j) => j !== i))}
                        className="rounded px-2 py-1 font-sans text-xs font-medium text-slate-500 hover:bg-rose-50 hover:text-rose-700"
                        aria-label={`remove ${label}`}
                        data-testid={`btn-remove-param-${i}`}
                      >
                        Remove
                      </button>
                    ) : (
                      row.original && <span className="block text-left">{describeParam(row.original)}</span>
                    )}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
      {editableNames && (
        <button
          type="button"
          onClick={addRow}
          disabled={rows.length >= 64}
          className="rounded-md bg-white px-3 py-1.5 text-sm font-medium text-indigo-700 shadow-sm ring-1 ring-inset ring-indigo-200 hover:bg-indigo-50 disabled:cursor-not-allowed disabled:opacity-60"
          data-testid="btn-add-param"
        >
          + Add parameter
        </button>
      )}
    </div>
  );
}
