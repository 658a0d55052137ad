"use client";
import { useRouter } from "next/navigation";
import { useState, type FormEvent, type ReactNode } from "react";
import type { Budget, CreateStudyInput, ObjectiveInfo } from "@/lib/api/schemas";
import { ApiRequestError } from "@/lib/client/api";
import { useCreateStudy } from "@/lib/client/queries";
import { rowsFromSpace, spaceFromRows, SpaceEditor, type SpaceRow } from "./space-editor";

/** The strategies offered, the sieve first; the value is what the API takes. */
const STRATEGIES: { value: string; label: string }[] = [
  { value: "sieve", label: "sieve — correlation sieve + learning-curve race" },
  { value: "random+fifo", label: "random+fifo" },
  { value: "sobol+fifo", label: "sobol+fifo" },
  { value: "tpe+fifo", label: "tpe+fifo" },
  { value: "random+asha", label: "random+asha" },
  { value: "tpe+asha", label: "tpe+asha" },
  { value: "random+hyperband", label: "random+hyperband" },
  { value: "random+iepoch", label: "random+iepoch" },
];

type FormState = {
  objective: string;
  name: string;
  nameEdited: boolean;
  rows: SpaceRow[];
  strategy: string;
  budgetKind: Budget["kind"];
  budgetValue: string;
  parallelism: string;
  seed: string;
  patience: string;
  epochDelayMs: string;
};

/** The objective's short name, "digits-mlp" for "lc-table:digits-mlp". */
function shortName(objectiveId: string): string {
  return objectiveId.split(":").pop() || objectiveId;
}

function defaultsFor(objective: ObjectiveInfo | undefined): FormState {
  const multiEpoch = (objective?.maxEpochs ?? 1) > 1;
  return {
    objective: objective?.id ?? "",
    name: objective ? `${shortName(objective.id)} study` : "",
    nameEdited: false,
    rows: rowsFromSpace(objective?.space ?? []),
    strategy: STRATEGIES[0].value,
    // 50 full trainings' worth of epochs, or 100 evaluations of a one-shot objective.
    budgetKind: multiEpoch ? "epochs" : "trials",
    budgetValue: String(multiEpoch ? 50 * (objective?.maxEpochs ?? 1) : 100),
    parallelism: "4",
    seed: "0",
    patience: multiEpoch ? "5" : "",
    epochDelayMs: String(objective?.defaultEpochDelayMs ?? 0),
  };
}

/** Server paths may come as "space[0].low"; the form keys them as "space.0.low". */
function normalizePath(path: string): string {
  return path.replace(/\[(\d+)\]/g, ".$1").replace(/^\./, "");
}

function toNumber(text: string): number {
  return text.trim() === "" ? Number.NaN : Number(text);
}

/** The form that launches a study: objective, its space (narrowable), budget and execution settings. */
export function NewStudyForm({ objectives }: { objectives: ObjectiveInfo[] }) {
  const router = useRouter();
  const create = useCreateStudy();
  const [form, setForm] = useState<FormState>(() => defaultsFor(objectives[0]));
  const [errors, setErrors] = useState<Record<string, string[]>>({});
  const [formError, setFormError] = useState<{ message: string; issues: { path: string; message: string }[] } | null>(null);
  const objective = objectives.find((o) => o.id === form.objective);
  const submitting = create.isPending || create.isSuccess;

  const set = <K extends keyof FormState>(key: K, value: FormState[K]) => setForm((f) => ({ ...f, [key]: value }));

  const selectObjective = (id: string) => {
    const next = defaultsFor(objectives.find((o) => o.id === id));
    setForm((f) => ({ ...next, name: f.nameEdited ? f.name : next.name, nameEdited: f.nameEdited }));
    setErrors({});
    setFormError(null);
  };

  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (submitting) return;
    const { space, issues } = spaceFromRows(form.rows);
    const numbers = { "budget.value": form.budgetValue, parallelism: form.parallelism, seed: form.seed, epochDelayMs: form.epochDelayMs };
    for (const [path, text] of Object.entries(numbers)) if (!Number.isFinite(toNumber(text))) issues[path] = "must be a number";
    if (form.patience.trim() !== "" && !Number.isFinite(toNumber(form.patience))) issues.patience = "must be a number or empty";
    const local = Object.entries(issues).map(([path, message]) => ({ path, message }));
    if (local.length > 0) {
      setErrors(Object.fromEntries(local.map((i) => [i.path, [i.message]])));
      setFormError({ message: "Some fields need attention.", issues: local });
      return;
    }
    const input: CreateStudyInput = {
      name: form.name,
      objective: form.objective,
      space,
      strategy: form.strategy.trim(),
      budget: { kind: form.budgetKind, value: toNumber(form.budgetValue) },
      parallelism: toNumber(form.parallelism),
      seed: toNumber(form.seed),
      ...(form.patience.trim() !== "" ? { patience: toNumber(form.patience) } : {}),
      epochDelayMs: toNumber(form.epochDelayMs),
    };
    setErrors({});
    setFormError(null);
    create.mutate(input, {
      onSuccess: (study) => router.push(`/studies/${study.id}`),
      onError: (error) => {
        const issues = error instanceof ApiRequestError ? (error.body.issues ?? []).map((i) => ({ ...i, path: normalizePath(i.path) })) : [];
        const byPath: Record<string, string[]> = {};
        for (const issue of issues) (byPath[issue.path] ??= []).push(issue.message);
        setErrors(byPath);
        setFormError({ message: error.message || "The study could not be created.", issues });
      },
    });
  };

  if (objectives.length === 0) {
    return (
      <div className="rounded-lg border border-dashed border-slate-300 bg-white px-6 py-12 text-center text-sm text-slate-600" data-testid="no-objectives">
        No objectives are registered, so there is nothing to optimize yet.
      </div>
    );
  }

  return (
    <form onSubmit={onSubmit} noValidate className="space-y-6" data-testid="new-study-form">
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
              aria-invalid={!!errors["objective"]} data-testid="field-objective"
            >
              {objectives.map((o) => (
                <option key={o.id} value={o.id}>
                  {o.title}
                </option>
              ))}
            </select>
          </Field>
          <Field label="Study name" path="name" errors={errors}>
            <input
              className={inputClass}
              value={form.name}
              onChange={(e) => setForm((f) => ({ ...f, name: e.target.value, nameEdited: true }))}
              aria-invalid={!!errors["name"]} data-testid="field-name"
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
      </Section>

      <Section title="Search space" description="Names come from the objective; narrow a range or drop choices to focus the search.">
        <SpaceEditor rows={form.rows} onChange={(rows) => set("rows", rows)} errors={errors} />
        {(errors.space ?? []).map((message) => (
          <p key={message} className="mt-2 text-xs text-rose-600" data-testid="field-error" data-path="space">
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
                aria-invalid={!!errors["budget.value"]} data-testid="field-budget-value"
              />
              <select
                className={`${baseInput} block w-28 shrink-0`}
                value={form.budgetKind}
                onChange={(e) => set("budgetKind", e.target.value as Budget["kind"])}
                data-testid="field-budget-kind"
              >
                <option value="epochs">epochs</option>
                <option value="trials">trials</option>
              </select>
            </div>
          </Field>
          <Field label="Parallelism" path="parallelism" errors={errors} hint="trials at once">
            <input className={inputClass} inputMode="numeric" value={form.parallelism} onChange={(e) => set("parallelism", e.target.value)} aria-invalid={!!errors["parallelism"]} data-testid="field-parallelism" />
          </Field>
          <Field label="Seed" path="seed" errors={errors}>
            <input className={inputClass} inputMode="numeric" value={form.seed} onChange={(e) => set("seed", e.target.value)} aria-invalid={!!errors["seed"]} data-testid="field-seed" />
          </Field>
          <Field label="Patience" path="patience" errors={errors} hint="epochs; empty = off">
            <input className={inputClass} inputMode="numeric" value={form.patience} onChange={(e) => set("patience", e.target.value)} aria-invalid={!!errors["patience"]} data-testid="field-patience" />
          </Field>
          <Field label="Epoch delay" path="epochDelayMs" errors={errors} hint="ms per epoch, to watch">
            <input className={inputClass} inputMode="numeric" value={form.epochDelayMs} onChange={(e) => set("epochDelayMs", e.target.value)} aria-invalid={!!errors["epochDelayMs"]} data-testid="field-epoch-delay" />
          </Field>
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
    </form>
  );
}

const baseInput =
  "rounded-md border-0 bg-white px-3 py-1.5 text-sm text-slate-900 shadow-sm ring-1 ring-inset ring-slate-300 focus:ring-2 focus:ring-indigo-600 focus:outline-none aria-[invalid=true]:ring-rose-500";
const inputClass = `block w-full ${baseInput}`;

function Section({ title, description, children }: { title: string; description: string; children: ReactNode }) {
  return (
    <section className="rounded-lg border border-slate-200 bg-white p-6 shadow-sm">
      <h2 className="text-base font-semibold text-slate-900">{title}</h2>
      <p className="mt-0.5 text-sm text-slate-500">{description}</p>
      <div className="mt-4">{children}</div>
    </section>
  );
}

function Field({
  label,
  path,
  errors,
  hint,
  extraPaths = [],
  className = "",
  children,
}: {
  label: string;
  path: string;
  errors: Record<string, string[]>;
  hint?: string;
  extraPaths?: string[];
  className?: string;
  children: ReactNode;
}) {
  const messages = [path, ...extraPaths].flatMap((p) => (errors[p] ?? []).map((message) => ({ p, message })));
  return (
    <label className={`block ${className}`}>
      <span className="flex items-baseline justify-between gap-2 text-sm font-medium text-slate-700">
        {label}
        {hint && <span className="text-xs font-normal text-slate-400">{hint}</span>}
      </span>
      <div className="mt-1">{children}</div>
      {messages.map(({ p, message }) => (
        <span key={`${p}:${message}`} className="mt-1 block text-xs text-rose-600" data-testid="field-error" data-path={p}>
          {label.toLowerCase()}: {message}
        </span>
      ))}
    </label>
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
