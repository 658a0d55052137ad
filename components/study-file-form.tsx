"use client";
import { useRouter } from "next/navigation";
import { useState, type ChangeEvent } from "react";
import type { ParamDef, StudyPreview } from "@/lib/api/schemas";
import { scheduleRuleNote } from "@/lib/optimizer/schedulers/race-defaults";
import { ApiRequestError } from "@/lib/client/api";
import { formatParam } from "@/lib/client/format";
import { useCreateStudyFromFile, usePreviewStudyFile } from "@/lib/client/study-admin";
import { useHydrated } from "@/lib/client/use-hydrated";
import { inputClass, Section } from "./form-parts";

const EXAMPLE = `name: digits, my way
objective: lc-table:digits-mlp      # or omit it and give a command
method: sieve                       # random, bayes, sobol, bohb, or sampler+scheduler
parameters:
  lr: {min: 0.001, max: 1, distribution: log_uniform_values}
  momentum: {values: [0, 0.9, 0.99]}
budget: {epochs: 2000}
tags: [baseline]
`;

type Problem = { path: string; message: string; line?: number };

/** A parameter's range in words, for the preview. */
function rangeOf(p: ParamDef): string {
  if (p.type === "categorical") return p.choices.map((c) => formatParam(c)).join(", ");
  const range = `${formatParam(p.low)} … ${formatParam(p.high)}`;
  return [range, p.log ? "log" : null, p.grid ? `${p.grid.length} values` : null].filter(Boolean).join(" · ");
}

function problemsOf(error: Error | null): { message: string; problems: Problem[] } | null {
  if (!error) return null;
  return { message: error.message, problems: error instanceof ApiRequestError ? (error.body.issues ?? []) : [] };
}

/**
 * A study from a study file (YAML or JSON, as `hypersieve run` takes it):
 * paste or upload it, check it on the server to see the study it makes
 * (every default filled in), then launch. Problems name the file's line.
 */
export function StudyFileForm() {
  const router = useRouter();
  const hydrated = useHydrated();
  const [text, setText] = useState("");
  const preview = usePreviewStudyFile();
  const create = useCreateStudyFromFile();
  const failure = problemsOf(create.error ?? preview.error);
  const check = (file: string) => {
    create.reset();
    preview.mutate(file);
  };
  const upload = async (event: ChangeEvent<HTMLInputElement>) => {
    const file = event.target.files?.[0];
    if (!file) return;
    const content = await file.text();
    setText(content);
    check(content);
  };
  const shown: StudyPreview | undefined = preview.isSuccess && !create.error ? preview.data : undefined;
  return (
    <div className="space-y-6" data-testid="study-file-form" data-hydrated={hydrated}>
      <fieldset disabled={!hydrated} className="min-w-0 space-y-6">
        <Section title="Study file" description="YAML or JSON in the shape of sweep configs, as hypersieve run reads it; a relative cwd is the server's working directory.">
          <textarea
            className={`${inputClass} min-h-64 font-mono text-xs`}
            value={text}
            placeholder={EXAMPLE}
            spellCheck={false}
            onChange={(e) => {
              setText(e.target.value);
              preview.reset();
            }}
            aria-label="study file"
            data-testid="field-study-file"
          />
          <div className="mt-3 flex flex-wrap items-center gap-3">
            <label className="text-sm text-slate-600">
              or upload <input type="file" accept=".yaml,.yml,.json,text/yaml,application/json" onChange={(e) => void upload(e)} className="text-sm" data-testid="field-study-file-upload" />
            </label>
            <button
              type="button"
              disabled={text.trim() === "" || preview.isPending}
              onClick={() => check(text)}
              className="rounded-md bg-white px-3 py-1.5 text-sm font-medium text-slate-700 shadow-sm ring-1 ring-inset ring-slate-300 hover:bg-slate-50 disabled:opacity-50"
              data-testid="btn-check-file"
            >
              Check
            </button>
          </div>
        </Section>

        {failure && (
          <div className="rounded-md border border-rose-200 bg-rose-50 px-4 py-3 text-sm text-rose-800" role="alert" data-testid="file-error">
            <p className="font-medium">{failure.problems.length > 0 ? "The file has problems:" : failure.message}</p>
            <ul className="mt-1 space-y-0.5">
              {failure.problems.map((p) => (
                <li key={`${p.line}:${p.path}:${p.message}`} data-testid="file-issue" data-line={p.line ?? ""}>
                  {p.line ? <span className="font-mono">line {p.line}</span> : null}
                  {p.line ? " · " : ""}
                  <span className="font-mono">{p.path}</span>: {p.message}
                </li>
              ))}
            </ul>
          </div>
        )}

        {shown && <PreviewCard study={shown} />}

        <div className="flex items-center justify-end gap-3">
          {(create.isPending || create.isSuccess) && <span className="text-sm text-slate-500">Launching…</span>}
          <button
            type="button"
            disabled={!shown || create.isPending || create.isSuccess}
            onClick={() => create.mutate(text, { onSuccess: (study) => router.push(`/studies/${study.id}`) })}
            className="rounded-md bg-indigo-600 px-5 py-2 text-sm font-semibold text-white shadow-sm hover:bg-indigo-500 disabled:cursor-not-allowed disabled:opacity-60"
            title={shown ? undefined : "check the file first"}
            data-testid="btn-launch-file"
          >
            Launch study
          </button>
        </div>
      </fieldset>
    </div>
  );
}

function PreviewCard({ study }: { study: StudyPreview }) {
  const argv = (study.objectiveConfig as { argv?: string[] } | null | undefined)?.argv;
  const facts: [string, string][] = [
    ["name", study.name],
    ["objective", `${study.objective} (${study.direction} ${study.metric}, ≤ ${study.maxEpochs} epochs a trial)`],
    ["strategy", study.strategy],
    ["budget", `${study.budget.value.toLocaleString("en-US")} ${study.budget.kind}`],
    ["parallelism", String(study.parallelism)],
    ["seed", String(study.seed)],
    ["patience", study.patience === null ? "off" : String(study.patience)],
    ...(study.eta !== undefined || study.minEpochs !== undefined ? [["rungs", `eta ${study.eta ?? 3}, lowest at epoch ${study.minEpochs ?? 1}`] as [string, string]] : []),
    ...(study.schedules ? [["schedules", scheduleRuleNote(study.scheduleDecay).replace(/^Schedules: /, "")] as [string, string]] : []),
    ["checkpoints kept", study.keepCheckpoints ?? "best-and-newest"],
    ...(study.tags && study.tags.length > 0 ? [["tags", study.tags.join(", ")] as [string, string]] : []),
    ...(argv ? [["command", argv.join(" ")] as [string, string]] : []),
  ];
  return (
    <Section title="The study this file makes" description="Every setting, defaults filled in, as the server will store it.">
      <dl className="grid grid-cols-[auto_1fr] gap-x-6 gap-y-1 text-sm" data-testid="file-preview">
        {facts.map(([k, v]) => (
          <div key={k} className="contents">
            <dt className="text-slate-500">{k}</dt>
            <dd className="break-all font-mono text-xs leading-5" data-fact={k}>
              {v}
            </dd>
          </div>
        ))}
      </dl>
      <table className="mt-4 min-w-full text-sm" data-testid="file-preview-space">
        <thead className="text-left text-xs uppercase tracking-wide text-slate-500">
          <tr>
            <th className="py-1 pr-4">parameter</th>
            <th className="py-1 pr-4">type</th>
            <th className="py-1">range or choices</th>
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-100">
          {study.space.map((p) => (
            <tr key={p.name} data-testid="file-preview-param" data-param={p.name}>
              <td className="py-1 pr-4 font-mono">{p.name}</td>
              <td className="py-1 pr-4 text-slate-600">{p.type}</td>
              <td className="py-1 font-mono text-xs">{rangeOf(p)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </Section>
  );
}
