"use client";
// Over 400 lines: one form whose objective, strategy, budget and training sections share one validated state and one submit.
import { useRouter } from "next/navigation";
import { useState, type FormEvent, type ReactNode } from "react";
import type { Budget, CreateStudyBody, ObjectiveInfo, ParamDef, StudySummary } from "@/lib/api/schemas";
import { ApiRequestError } from "@/lib/client/api";
import { useCreateStudy } from "@/lib/client/queries";
import {
  agentCommandLine,
  agentSpecFrom,
  commandSpecFrom,
  DEFAULT_TRAINING_FIELDS,
  EXAMPLE_SPACE,
  isTrainingKind,
  type TrainingFields,
  type TrainingKind,
} from "@/lib/client/training-spec";
import { RACE_SCHEDULES_DEFAULT, RACE_SWITCHES_OFF_REASON, RACE_WARM_START_DEFAULT } from "@/lib/optimizer/schedulers/race-defaults";
import { strategyParts } from "@/lib/optimizer/strategy-name";
import { defaultBudget, STUDY_DEFAULTS } from "@/lib/api/study-defaults";
import { AgentTokenPanel } from "./agent-token-panel";
import { baseInput, CheckboxField, Field, inputClass, Section } from "./form-parts";
import { DEFAULT_SCHEDULE_STEP, scheduleDecayFrom, ScheduleStepField, type ScheduleStepFields } from "./schedule-step-field";
import { rowsFromSpace, spaceFromRows, SpaceEditor, type SpaceRow } from "./space-editor";
import { TrainingFieldsEditor } from "./training-fields";
import { useHydrated } from "@/lib/client/use-hydrated";

/** The strategies offered, the sieve first; the value is what the API takes. */
const STRATEGIES: { value: string; label: string }[] = [
  { value: "sieve", label: "sieve — correlation sieve + learning-curve race" },
  { value: "random+fifo", label: "random+fifo" },
  { value: "sobol+fifo", label: "sobol+fifo" },
  { value: "tpe+fifo", label: "tpe+fifo" },
  { value: "random+asha", label: "random+asha" },
  { value: "tpe+asha", label: "tpe+asha" },
  { value: "random+hyperband", label: "random+hyperband" },
  { value: "bohb", label: "bohb — BOHB: density models inside Hyperband" },
  { value: "random+iepoch", label: "random+iepoch" },
];

/** The objectives that train the user's own program, offered after the built-in ones. */
const TRAINING_OBJECTIVES: { id: TrainingKind; title: string; description: ReactNode }[] = [
  {
    id: "command",
    title: "Your own training command",
    description: (
      <>
        This server runs your program and reads its learning curve from stdout, one JSON line per epoch (see{" "}
        <code className="text-slate-700">docs/command-protocol.md</code>). Any language works; no Hypersieve library is needed.
      </>
    ),
  },
  {
    id: "agent",
    title: "Remote agents (hypersieve agent)",
    description: (
      <>
        Machines of yours run the one-file agent (<code className="text-slate-700">hypersieve-agent.mjs</code>, downloaded from this server; it needs only Node), which
        claims this study&apos;s jobs, runs your program and reports each epoch back. The study waits until an agent connects; the agents&apos; token is shown once, right after launch.
      </>
    ),
  },
];

type FormState = {
  objective: string;
  name: string;
  nameEdited: boolean;
  rows: SpaceRow[];
  training: TrainingFields;
  strategy: string;
  budgetKind: Budget["kind"];
  budgetValue: string;
  parallelism: string;
  seed: string;
  patience: string;
  warmStart: boolean;
  schedules: boolean;
  scheduleStep: ScheduleStepFields;
  epochDelayMs: string;
};

/** The objective's short name, "digits-mlp" for "lc-table:digits-mlp". */
function shortName(objectiveId: string): string {
  return objectiveId.split(":").pop() || objectiveId;
}

function defaultsFor(id: string, objectives: ObjectiveInfo[]): FormState {
  const objective = objectives.find((o) => o.id === id);
  const training = isTrainingKind(id);
  const maxEpochs = training ? Number(DEFAULT_TRAINING_FIELDS.maxEpochs) : (objective?.maxEpochs ?? 1);
  const budget = defaultBudget(maxEpochs);
  return {
    objective: id,
    name: training ? `${id} study` : objective ? `${shortName(objective.id)} study` : "",
    nameEdited: false,
    rows: rowsFromSpace(training ? EXAMPLE_SPACE : (objective?.space ?? [])),
    training: DEFAULT_TRAINING_FIELDS,
    // The defaults the API and study files take too (lib/api/study-defaults.ts).
    strategy: STUDY_DEFAULTS.strategy,
    budgetKind: budget.kind,
    budgetValue: String(budget.value),
    parallelism: String(STUDY_DEFAULTS.parallelism),
    seed: String(STUDY_DEFAULTS.seed),
    patience: STUDY_DEFAULTS.patience === null ? "" : String(STUDY_DEFAULTS.patience),
    warmStart: RACE_WARM_START_DEFAULT,
    schedules: RACE_SCHEDULES_DEFAULT,
    scheduleStep: DEFAULT_SCHEDULE_STEP,
    epochDelayMs: String(STUDY_DEFAULTS.epochDelayMs),
  };
}

/** Server paths may come as "space[0].low"; the form keys them as "space.0.low". */
function normalizePath(path: string): string {
  return path.replace(/\[(\d+)\]/g, ".$1").replace(/^\./, "");
}

function toNumber(text: string): number {
  return text.trim() === "" ? Number.NaN : Number(text);
}

/** The space and, for the user's own training, its spec, as the API takes them; with the problems seen in the browser. */
function objectiveBody(form: FormState): { body: Pick<CreateStudyBody, "space" | "command" | "agent">; issues: Record<string, string> } {
  const { space, issues } = spaceFromRows(form.rows);
  const merge = (more: Record<string, string>) => {
    for (const [path, message] of Object.entries(more)) issues[path] ??= message;
  };
  if (form.objective === "command") {
    const { spec, issues: more } = commandSpecFrom(form.training, space);
    merge(more);
    return { body: { command: spec }, issues };
  }
  if (form.objective === "agent") {
    const { spec, issues: more } = agentSpecFrom(form.training, space);
    merge(more);
    return { body: { agent: spec }, issues };
  }
  return { body: { space }, issues };
}

/** The form that launches a study: objective (built-in, or the user's own training), its space, budget and execution settings. */
export function NewStudyForm({ objectives }: { objectives: ObjectiveInfo[] }) {
  const router = useRouter();
  const create = useCreateStudy();
  const [form, setForm] = useState<FormState>(() => defaultsFor(objectives[0]?.id ?? "command", objectives));
  const [errors, setErrors] = useState<Record<string, string[]>>({});
  const [formError, setFormError] = useState<{ message: string; issues: { path: string; message: string }[] } | null>(null);
  const [launched, setLaunched] = useState<{ study: StudySummary; token: string; command: string } | null>(null);
  const objective = objectives.find((o) => o.id === form.objective);
  const training = isTrainingKind(form.objective) ? form.objective : null;
  const trainingInfo = TRAINING_OBJECTIVES.find((t) => t.id === training);
  const submitting = create.isPending || create.isSuccess;
  const hydrated = useHydrated();
  // The race is the only scheduler that reads warmStart and schedules.
  const raceSwitches = strategyParts(form.strategy)[1] === "race" && objective?.warmStart === true;

  const set = <K extends keyof FormState>(key: K, value: FormState[K]) => setForm((f) => ({ ...f, [key]: value }));

  const selectObjective = (id: string) => {
    const next = defaultsFor(id, objectives);
    setForm((f) => ({ ...next, name: f.nameEdited ? f.name : next.name, nameEdited: f.nameEdited }));
    setErrors({});
    setFormError(null);
  };

  const onCreated = (study: StudySummary, space: ParamDef[]) => {
    if (!study.agentToken) return router.push(`/studies/${study.id}`);
    setLaunched({ study, token: study.agentToken, command: agentCommandLine(window.location.origin, study.id, study.agentToken, space) });
    window.scrollTo({ top: 0 });
  };

  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (submitting) return;
    const { body, issues } = objectiveBody(form);
    const numbers = { "budget.value": form.budgetValue, parallelism: form.parallelism, seed: form.seed, epochDelayMs: form.epochDelayMs };
    for (const [path, text] of Object.entries(numbers)) if (!Number.isFinite(toNumber(text))) issues[path] = "must be a number";
    if (form.patience.trim() !== "" && !Number.isFinite(toNumber(form.patience))) issues.patience = "must be a number or empty";
    const step = raceSwitches && form.schedules ? scheduleDecayFrom(form.scheduleStep, form.rows) : { issues: {} };
    Object.assign(issues, step.issues);
    const local = Object.entries(issues).map(([path, message]) => ({ path, message }));
    if (local.length > 0) {
      setErrors(Object.fromEntries(local.map((i) => [i.path, [i.message]])));
      setFormError({ message: "Some fields need attention.", issues: local });
      return;
    }
    const input: CreateStudyBody = {
      name: form.name,
      objective: form.objective,
      ...body,
      strategy: form.strategy.trim(),
      budget: { kind: form.budgetKind, value: toNumber(form.budgetValue) },
      parallelism: toNumber(form.parallelism),
      seed: toNumber(form.seed),
      ...(form.patience.trim() !== "" ? { patience: toNumber(form.patience) } : {}),
      ...(raceSwitches ? { warmStart: form.warmStart, schedules: form.schedules } : {}),
      ...(step.scheduleDecay ? { scheduleDecay: step.scheduleDecay } : {}),
      epochDelayMs: training ? 0 : toNumber(form.epochDelayMs),
    };
    setErrors({});
    setFormError(null);
    create.mutate(input, {
      onSuccess: (study) => onCreated(study, body.command?.space ?? body.agent?.space ?? []),
      onError: (error) => {
        const issues = error instanceof ApiRequestError ? (error.body.issues ?? []).map((i) => ({ ...i, path: normalizePath(i.path) })) : [];
        const byPath: Record<string, string[]> = {};
        for (const issue of issues) (byPath[issue.path] ??= []).push(issue.message);
        setErrors(byPath);
        setFormError({ message: error.message || "The study could not be created.", issues });
      },
    });
  };

  if (launched) {
    return (
      <AgentTokenPanel
        studyId={launched.study.id}
        name={launched.study.name}
        token={launched.token}
        command={launched.command}
        onOpen={() => router.push(`/studies/${launched.study.id}`)}
      />
    );
  }

  const spacePrefixes = training ? ["space", `${training}.space`] : ["space"];
  const spaceErrors = spacePrefixes.flatMap((p) => (errors[p] ?? []).map((message) => ({ p, message })));

  return (
    <form onSubmit={onSubmit} noValidate className="space-y-6" data-testid="new-study-form" data-hydrated={hydrated}>
      {/* Until React hydrates, the fields and Launch are disabled: typed text could be lost, and Launch would submit the form natively. */}
      <fieldset disabled={!hydrated} className="min-w-0 space-y-6">
        {formError && (
          <div className="rounded-md border border-rose-200 bg-rose-50 px-4 py-3 text-sm text-rose-800" role="alert" data-testid="form-error">
            <p className="font-medium">{formError.issues.length > 0 ? "The study was not created: fix the fields below." : formError.message}</p>
            {formError.issues.length > 0 && (
              <ul className="mt-1 list-inside list-disc space-y-0.5">
                {formError.issues.map((issue) => (
                  <li key={`${issue.path}:${issue.message}`}>
                    <span className="font-mono">{issue.path || "study"}</span>: {issue.message}
                  </li>
                ))}
              </ul>
            )}
          </div>
        )}

        <Section title="Objective" description="What each trial trains, and the metric the search optimizes.">
          <div className="grid gap-4 sm:grid-cols-2">
            <Field label="Objective" path="objective" errors={errors}>
              <select
                className={inputClass}
                value={form.objective}
                onChange={(e) => selectObjective(e.target.value)}
                aria-invalid={!!errors["objective"]}
                data-testid="field-objective"
              >
                {objectives.length > 0 && (
                  <optgroup label="Built-in objectives">
                    {objectives.map((o) => (
                      <option key={o.id} value={o.id}>
                        {o.title}
                      </option>
                    ))}
                  </optgroup>
                )}
                <optgroup label="Your own training">
                  {TRAINING_OBJECTIVES.map((t) => (
                    <option key={t.id} value={t.id}>
                      {t.title}
                    </option>
                  ))}
                </optgroup>
              </select>
            </Field>
            <Field label="Study name" path="name" errors={errors}>
              <input
                className={inputClass}
                value={form.name}
                onChange={(e) => setForm((f) => ({ ...f, name: e.target.value, nameEdited: true }))}
                aria-invalid={!!errors["name"]}
                data-testid="field-name"
              />
            </Field>
          </div>
          {objective && (
            <div className="mt-4 rounded-md bg-slate-50 px-4 py-3 text-sm text-slate-600" data-testid="objective-info">
              <Description key={objective.id} text={objective.description} />
              <dl className="mt-2 flex flex-wrap gap-x-6 gap-y-1 text-xs">
                <Fact label="metric" value={`${objective.metric} (${objective.direction})`} />
                <Fact label="epochs per trial" value={String(objective.maxEpochs)} />
                <Fact label="parameters" value={String(objective.space.length)} />
                {objective.optimum !== null && <Fact label="known optimum" value={String(objective.optimum)} />}
              </dl>
            </div>
          )}
          {training && trainingInfo && (
            <div className="mt-4 space-y-4">
              <p className="rounded-md bg-slate-50 px-4 py-3 text-sm text-slate-600" data-testid="objective-info">
                {trainingInfo.description}
              </p>
              <TrainingFieldsEditor kind={training} fields={form.training} onChange={(fields) => set("training", fields)} errors={errors} />
            </div>
          )}
        </Section>

        <Section
          title="Search space"
          description={
            training
              ? `Name each parameter your program takes; ${training === "command" ? "the command" : "the agents' program"} gets it as {name}, and all of them as JSON in HYPERSIEVE_PARAMS.`
              : "Names come from the objective; narrow a range or drop choices to focus the search."
          }
        >
          <SpaceEditor rows={form.rows} onChange={(rows) => set("rows", rows)} errors={errors} editableNames={!!training} pathPrefixes={spacePrefixes} />
          {spaceErrors.map(({ p, message }) => (
            <p key={`${p}:${message}`} className="mt-2 text-xs text-rose-600" data-testid="field-error" data-path={p}>
              space: {message}
            </p>
          ))}
        </Section>

        <Section title="Budget and execution" description="How much training the search may spend, and how it runs.">
          <div className="grid gap-4 sm:grid-cols-2 lg:grid-cols-3">
            <Field label="Strategy" path="strategy" errors={errors} hint="sampler + scheduler" className="sm:col-span-2">
              <select
                className={inputClass}
                value={form.strategy}
                onChange={(e) => set("strategy", e.target.value)}
                aria-invalid={!!errors["strategy"]}
                data-testid="field-strategy"
              >
                {STRATEGIES.map((s) => (
                  <option key={s.value} value={s.value}>
                    {s.label}
                  </option>
                ))}
              </select>
            </Field>
            <Field label="Budget" path="budget.value" errors={errors} extraPaths={["budget", "budget.kind"]}>
              <div className="flex gap-2">
                <input
                  className={`${baseInput} block min-w-0 flex-1 tabular-nums`}
                  inputMode="numeric"
                  value={form.budgetValue}
                  onChange={(e) => set("budgetValue", e.target.value)}
                  aria-invalid={!!errors["budget.value"]}
                  aria-label="Budget"
                  data-testid="field-budget-value"
                />
                <select
                  className={`${baseInput} block w-28 shrink-0`}
                  value={form.budgetKind}
                  onChange={(e) => set("budgetKind", e.target.value as Budget["kind"])}
                  aria-label="Budget unit"
                  data-testid="field-budget-kind"
                >
                  <option value="epochs">epochs</option>
                  <option value="trials">trials</option>
                </select>
              </div>
            </Field>
            <Field label="Parallelism" path="parallelism" errors={errors} hint={training === "agent" ? "jobs on offer at once" : "trials at once"}>
              <input className={inputClass} inputMode="numeric" value={form.parallelism} onChange={(e) => set("parallelism", e.target.value)} aria-invalid={!!errors["parallelism"]} data-testid="field-parallelism" />
            </Field>
            <Field label="Seed" path="seed" errors={errors}>
              <input className={inputClass} inputMode="numeric" value={form.seed} onChange={(e) => set("seed", e.target.value)} aria-invalid={!!errors["seed"]} data-testid="field-seed" />
            </Field>
            <Field label="Patience" path="patience" errors={errors} hint="epochs; empty = off">
              <input className={inputClass} inputMode="numeric" value={form.patience} onChange={(e) => set("patience", e.target.value)} aria-invalid={!!errors["patience"]} data-testid="field-patience" />
            </Field>
            {!training && (
              <Field label="Epoch delay" path="epochDelayMs" errors={errors} hint={objective?.defaultEpochDelayMs ? `ms per epoch; ${objective.defaultEpochDelayMs} to watch it` : "ms per epoch, to watch"}>
                <input className={inputClass} inputMode="numeric" value={form.epochDelayMs} onChange={(e) => set("epochDelayMs", e.target.value)} aria-invalid={!!errors["epochDelayMs"]} data-testid="field-epoch-delay" />
              </Field>
            )}
            {raceSwitches && (
              <div className="space-y-2 sm:col-span-2 lg:col-span-3" data-testid="race-switches">
                <p className="text-xs text-slate-500" data-testid="race-switches-note">
                  {RACE_SWITCHES_OFF_REASON}
                </p>
                <CheckboxField
                  label="Warm-start neighbours from leaders' checkpoints"
                  hint="Every third new trial starts from a leader's weights, shrunk and perturbed."
                  checked={form.warmStart}
                  onChange={(v) => set("warmStart", v)}
                  testId="field-warm-start"
                />
                <CheckboxField
                  label="Branch flattened leaders into schedules"
                  hint="A leader whose curve flattens continues from its checkpoint with changed params (the schedule step)."
                  checked={form.schedules}
                  onChange={(v) => set("schedules", v)}
                  testId="field-schedules"
                />
                {form.schedules && <ScheduleStepField fields={form.scheduleStep} rows={form.rows} errors={errors} onChange={(v) => set("scheduleStep", v)} />}
              </div>
            )}
          </div>
        </Section>

        <div className="flex items-center justify-end gap-3">
          {submitting && <span className="text-sm text-slate-500">Launching…</span>}
          <button
            type="submit"
            disabled={submitting}
            className="rounded-md bg-indigo-600 px-5 py-2 text-sm font-semibold text-white shadow-sm hover:bg-indigo-500 disabled:cursor-not-allowed disabled:opacity-60"
            data-testid="btn-launch"
          >
            Launch study
          </button>
        </div>
      </fieldset>
    </form>
  );
}

function Description({ text }: { text: string }) {
  const [open, setOpen] = useState(false);
  const long = text.length > 240;
  return (
    <div>
      <p className={open || !long ? "" : "line-clamp-2"}>{text}</p>
      {long && (
        <button type="button" onClick={() => setOpen((o) => !o)} className="mt-1 text-xs font-medium text-indigo-600 hover:text-indigo-500">
          {open ? "Show less" : "Show more"}
        </button>
      )}
    </div>
  );
}

function Fact({ label, value }: { label: string; value: string }) {
  return (
    <div className="flex gap-1">
      <dt className="text-slate-400">{label}</dt>
      <dd className="font-mono text-slate-700">{value}</dd>
    </div>
  );
}
