"use client";
import type { CreateStudyBody } from "@/lib/api/schemas";
import { baseInput, Field } from "./form-parts";
import type { SpaceRow } from "./space-editor";

/** The race's schedule step as the form edits it: the default step, or a decay of one param (its fields as typed). */
export type ScheduleStepFields = {
  step: "default" | "decay";
  param: string;
  factor: string;
  from: "best" | "latest";
  lastRung: boolean;
  alongside: boolean;
};

/** The default step; a decay's fields start at the API's defaults (best checkpoint, every rung, replacing the leader). */
export const DEFAULT_SCHEDULE_STEP: ScheduleStepFields = { step: "default", param: "lr", factor: "0.1", from: "best", lastRung: false, alongside: false };

/** Step decay as bench/warm-start.ts runs it (`--variants decay:0.1:latest:last:alongside`, docs/warm-start-bench.md): lr × 0.1 from the latest checkpoint, alongside the last rung's leaders. */
const STEP_DECAY: ScheduleStepFields = { step: "decay", param: "lr", factor: "0.1", from: "latest", lastRung: true, alongside: true };

/** The numeric params of the space being edited, the ones a decay can multiply. */
function numericParams(rows: SpaceRow[]): string[] {
  return rows.filter((r) => r.type !== "categorical" && r.name.trim() !== "").map((r) => r.name.trim());
}

/** The API's scheduleDecay for the fields (undefined for the default step), with the problems seen in the browser. */
export function scheduleDecayFrom(fields: ScheduleStepFields, rows: SpaceRow[]): { scheduleDecay?: CreateStudyBody["scheduleDecay"]; issues: Record<string, string> } {
  if (fields.step === "default") return { issues: {} };
  const issues: Record<string, string> = {};
  if (!numericParams(rows).includes(fields.param)) issues["scheduleDecay.param"] = "choose a numeric param of the space";
  const factor = fields.factor.trim() === "" ? Number.NaN : Number(fields.factor);
  if (!Number.isFinite(factor)) issues["scheduleDecay.factor"] = "must be a number";
  return { scheduleDecay: { param: fields.param, factor, from: fields.from, lastRung: fields.lastRung, alongside: fields.alongside }, issues };
}

/** Where the Schedules switch is on: which step a flattened leader's schedule takes, the default or a decay of one param. */
export function ScheduleStepField({
  fields,
  rows,
  errors,
  onChange,
}: {
  fields: ScheduleStepFields;
  rows: SpaceRow[];
  errors: Record<string, string[]>;
  onChange: (fields: ScheduleStepFields) => void;
}) {
  const params = numericParams(rows);
  const set = <K extends keyof ScheduleStepFields>(key: K, value: ScheduleStepFields[K]) => onChange({ ...fields, [key]: value });
  const choose = (value: string) => {
    if (value === "step-decay") onChange(STEP_DECAY);
    else set("step", value as ScheduleStepFields["step"]);
  };
  const small = `${baseInput} block w-full`;
  return (
    <div className="ml-6 space-y-2" data-testid="schedule-step">
      <Field label="Schedule step" path="scheduleDecay" errors={errors} className="max-w-md">
        <select className={small} value={fields.step} onChange={(e) => choose(e.target.value)} data-testid="field-schedule-step">
          <option value="default">towards the best trials at the highest rung (default)</option>
          <option value="decay">decay a param</option>
          {params.includes("lr") && <option value="step-decay">step decay: lr × 0.1 from the latest checkpoint, alongside the last rung&apos;s leaders</option>}
        </select>
      </Field>
      {fields.step === "decay" && (
        <div className="flex flex-wrap items-start gap-3" data-testid="schedule-decay">
          <Field label="Param" path="scheduleDecay.param" errors={errors} className="w-40">
            <select className={small} value={params.includes(fields.param) ? fields.param : ""} onChange={(e) => set("param", e.target.value)} data-testid="field-decay-param">
              {!params.includes(fields.param) && <option value="">choose…</option>}
              {params.map((name) => (
                <option key={name} value={name}>
                  {name}
                </option>
              ))}
            </select>
          </Field>
          <Field label="× factor" path="scheduleDecay.factor" errors={errors} className="w-24">
            <input className={small} inputMode="decimal" value={fields.factor} onChange={(e) => set("factor", e.target.value)} aria-invalid={!!errors["scheduleDecay.factor"]} data-testid="field-decay-factor" />
          </Field>
          <Field label="From checkpoint" path="scheduleDecay.from" errors={errors} className="w-36">
            <select className={small} value={fields.from} onChange={(e) => set("from", e.target.value as ScheduleStepFields["from"])} data-testid="field-decay-from">
              <option value="best">best</option>
              <option value="latest">latest</option>
            </select>
          </Field>
          <div className="space-y-1 pt-6 text-sm text-slate-700">
            <label className="flex items-center gap-2">
              <input type="checkbox" className="accent-indigo-600" checked={fields.lastRung} onChange={(e) => set("lastRung", e.target.checked)} data-testid="field-decay-last-rung" />
              only at the last rung
            </label>
            <label className="flex items-center gap-2">
              <input type="checkbox" className="accent-indigo-600" checked={fields.alongside} onChange={(e) => set("alongside", e.target.checked)} data-testid="field-decay-alongside" />
              alongside every promoted leader
            </label>
          </div>
        </div>
      )}
    </div>
  );
}
