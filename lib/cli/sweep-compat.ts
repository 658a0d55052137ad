/**
 * The parts of a W&B sweep config that Hypersieve maps onto its own terms:
 * the command macros (`${env}`, `${interpreter}`, `${program}`, `${args}`,
 * `${args_no_hyphens}`) and `early_terminate: {type: hyperband, …}`, which
 * becomes the race's rungs. What cannot be mapped is refused by name.
 * @see https://docs.wandb.ai/guides/sweeps/define-sweep-configuration
 */
import { strategyParts } from "../optimizer/strategy-name";

export type Problem = { path: (string | number)[]; message: string };

/** What W&B runs when a sweep gives a program and no command. */
export const WANDB_DEFAULT_COMMAND = ["${env}", "${interpreter}", "${program}", "${args}"];

/** `${interpreter}`: W&B's is `python`; `python3` is the name every Python 3 install has (Debian has no bare `python`). */
export const INTERPRETER = "python3";

const REFUSED_MACROS: Record<string, string> = {
  args_json: "the params as JSON are in the environment variable HYPERSIEVE_PARAMS; read them there, or use ${args}",
  args_json_file: "the params as JSON are in the environment variable HYPERSIEVE_PARAMS; read them there, or use ${args}",
  args_no_boolean_flags: "a boolean cannot be a flag that is present or absent in an argv template; use ${args} (--flag=true or --flag=false)",
};

const MACRO = /\$\{([^}]*)\}/g;

/**
 * A command list with W&B's macros expanded into argv with Hypersieve
 * placeholders: `${args}` becomes `--lr={lr}` for each param. `program` is
 * the file W&B's `program` names; with no command, W&B's default command.
 */
export function expandCommand(raw: unknown, program: string | undefined, paramNames: readonly string[], problems: Problem[]): string[] | null {
  const fromDefault = raw === undefined;
  const command = fromDefault ? WANDB_DEFAULT_COMMAND : raw;
  if (!Array.isArray(command)) return null;
  const at = (i: number): (string | number)[] => (fromDefault ? ["program"] : ["command", i]);
  const argv: string[] = [];
  let ok = true;
  command.forEach((item, i) => {
    if (typeof item !== "string" && typeof item !== "number") {
      problems.push({ path: at(i), message: "must be a string" });
      ok = false;
      return;
    }
    const text = String(item);
    const macros = [...text.matchAll(MACRO)].map((m) => m[1]);
    if (macros.length === 0) return void argv.push(text);
    if (macros.length > 1 || text !== `\${${macros[0]}}`) {
      problems.push({ path: at(i), message: `a macro such as \${${macros[0]}} must be a list item of its own, as in W&B` });
      ok = false;
      return;
    }
    const name = macros[0];
    if (name === "env") argv.push("/usr/bin/env");
    else if (name === "interpreter") argv.push(INTERPRETER);
    else if (name === "program") {
      if (program === undefined) {
        problems.push({ path: at(i), message: "${program} needs a top-level program: the script to run, e.g. program: train.py" });
        ok = false;
      } else argv.push(program);
    } else if (name === "args") argv.push(...paramNames.map((p) => `--${p}={${p}}`));
    else if (name === "args_no_hyphens") argv.push(...paramNames.map((p) => `${p}={${p}}`));
    else {
      const why = REFUSED_MACROS[name] ?? "known: ${env}, ${interpreter}, ${program}, ${args}, ${args_no_hyphens}";
      problems.push({ path: at(i), message: `the macro \${${name}} is not supported: ${why}` });
      ok = false;
    }
  });
  return ok ? argv : null;
}

/** What early_terminate sets: early stopping on patience, and the rungs of a scheduler that has them. */
export type EarlyTerminate = { patience?: number; eta?: number; minEpochs?: number; hyperband: boolean };

const RUNG_SCHEDULERS = new Set(["race", "asha", "hyperband"]);

function positiveInt(v: unknown, min = 1): v is number {
  return Number.isInteger(v) && (v as number) >= min;
}

/**
 * Reads early_terminate: our `{patience: N}`, or W&B's hyperband
 * (`min_iter`, or `max_iter` with `s`, and `eta`), which sets the race's
 * rungs: the lowest at min_iter (or max_iter / eta^s), each eta times the
 * one below, the last at max_epochs. `maxEpochs` (when known) must equal max_iter.
 */
export function earlyTerminateOf(raw: unknown, maxEpochs: number | undefined, problems: Problem[]): EarlyTerminate | null {
  const at = (...rest: string[]) => ["early_terminate", ...rest];
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) {
    problems.push({ path: at(), message: "must be {patience: N}, or {type: hyperband, min_iter: N, eta: N}, or {type: hyperband, max_iter: N, s: N, eta: N}" });
    return null;
  }
  const et = raw as Record<string, unknown>;
  const known = new Set(["type", "min_iter", "max_iter", "s", "eta", "patience"]);
  for (const key of Object.keys(et)) if (!known.has(key)) problems.push({ path: at(key), message: `unknown key '${key}' (known: ${[...known].join(", ")})` });
  const result: EarlyTerminate = { hyperband: false };
  if (et.patience !== undefined) {
    if (!positiveInt(et.patience)) problems.push({ path: at("patience"), message: "must be a positive integer" });
    else result.patience = et.patience;
  }
  if (et.type === undefined) {
    for (const key of ["min_iter", "max_iter", "s", "eta"]) if (key in et) problems.push({ path: at(key), message: "needs type: hyperband" });
    if (et.patience === undefined) problems.push({ path: at(), message: "must be {patience: N} or {type: hyperband, …}" });
    return result;
  }
  if (et.type !== "hyperband") {
    problems.push({ path: at("type"), message: `'${String(et.type)}' is not supported: only hyperband, which maps onto the race's rungs (or {patience: N} without a type)` });
    return null;
  }
  result.hyperband = true;
  const eta = et.eta ?? 3;
  if (!positiveInt(eta, 2) || eta > 10) {
    problems.push({ path: at("eta"), message: "must be an integer from 2 to 10" });
    return null;
  }
  result.eta = eta;
  if (et.min_iter !== undefined && et.max_iter !== undefined) {
    problems.push({ path: at("max_iter"), message: "give min_iter, or max_iter with s, not both" });
    return null;
  }
  if (et.min_iter !== undefined) {
    if (!positiveInt(et.min_iter)) problems.push({ path: at("min_iter"), message: "must be a positive integer" });
    else if (et.s !== undefined) problems.push({ path: at("s"), message: "is not supported with min_iter: the race's rungs run from min_iter up to max_epochs; give s only with max_iter" });
    else result.minEpochs = et.min_iter;
    return result;
  }
  if (et.max_iter !== undefined) {
    if (!positiveInt(et.max_iter)) problems.push({ path: at("max_iter"), message: "must be a positive integer" });
    else if (!positiveInt(et.s)) problems.push({ path: at("s"), message: "is required with max_iter: the number of rungs below it, a positive integer" });
    else if (maxEpochs !== undefined && et.max_iter !== maxEpochs) {
      problems.push({ path: at("max_iter"), message: `${et.max_iter} differs from the ${maxEpochs} epochs of one full training: the race's last rung is the end of training` });
    } else {
      const lowest = Math.floor(et.max_iter / eta ** et.s);
      if (lowest < 1) problems.push({ path: at("s"), message: `max_iter ${et.max_iter} / eta^${et.s} is below one epoch; use a smaller s` });
      else result.minEpochs = lowest;
    }
    return result;
  }
  problems.push({ path: at(), message: "hyperband needs min_iter, or max_iter with s" });
  return null;
}

/**
 * The strategy a method gets once hyperband asks for rungs: W&B's methods
 * (random, bayes, …) gain the race as their scheduler; a name that already
 * has a rung scheduler keeps it; one without (fifo, pbt, iepoch) is refused.
 */
export function strategyWithRungs(strategy: string, method: string, problems: Problem[]): string {
  const [sampler, scheduler] = strategyParts(strategy);
  if (RUNG_SCHEDULERS.has(scheduler)) return strategy;
  const wandbName = !method.includes("+");
  if (wandbName && scheduler === "fifo") return `${sampler}+race`;
  problems.push({ path: ["early_terminate", "type"], message: `hyperband needs a scheduler with rungs (race, asha or hyperband); method '${method}' has ${scheduler ?? "none"}` });
  return strategy;
}
