/**
 * Study commands shared by route handlers and the CLI: validate against the
 * objective, write, and hand over to the engine.
 */
import "server-only";
import fs from "node:fs";
import path from "node:path";
import { getStudyRecord, getStudySummary, getTrialRows, insertStudy, type NewStudy } from "../../db/queries";
import { HttpError } from "../api/http";
import type { CreateStudyInput, StudyAction, StudySummary, TrialRow, UserRuleInput } from "../api/schemas";
import { ruleProblems, type Rule } from "../optimizer/rules";
import { commandTemplateProblems } from "../api/command";
import { commandsAllowed, objectiveForStudy } from "../objectives/registry";
import { createStrategy } from "../optimizer/registry";
import { spaceProblems, type Param, type Space } from "../optimizer/space";
import { getAgentBoard, issueAgentToken } from "./agent-board";
import { defaultBudget, STUDY_DEFAULTS } from "../api/study-defaults";
import { strategyParts } from "../optimizer/strategy-name";

/** Schedulers with rungs, the ones that read eta and minEpochs. */
const RUNG_SCHEDULERS = ["race", "asha", "hyperband"];
import { getEngine } from "./engine";

/** A request that is well-formed but not acceptable; each issue's `path` names the field. */
export class InputError extends HttpError {
  constructor(issues: { path: string; message: string }[], status = 400) {
    super(status, issues.map((i) => (i.path ? `${i.path}: ${i.message}` : i.message)).join("; "), issues);
    this.name = "InputError";
  }
}

/** Problems of a user's space against the objective's: same parameters, each inside the objective's range. */
function spaceAgainstObjective(space: Space, base: Space): { path: string; message: string }[] {
  const issues: { path: string; message: string }[] = [];
  const byName = new Map(base.map((p) => [p.name, p]));
  space.forEach((p, i) => {
    const b = byName.get(p.name);
    const path = `space.${i}`;
    if (!b) return issues.push({ path: `${path}.name`, message: `'${p.name}' is not a parameter of this objective (it has ${base.map((x) => x.name).join(", ")})` });
    if (b.type !== p.type) return issues.push({ path: `${path}.type`, message: `${p.name} is ${b.type} for this objective, not ${p.type}` });
    if (p.type === "categorical") {
      const allowed = (b as Extract<Param, { type: "categorical" }>).choices;
      const bad = p.choices.filter((c) => !allowed.includes(c));
      if (bad.length > 0) issues.push({ path: `${path}.choices`, message: `${p.name}: ${JSON.stringify(bad)} not among ${JSON.stringify(allowed)}` });
    } else if (b.type !== "categorical") {
      if (p.low < b.low) issues.push({ path: `${path}.low`, message: `${p.name}: low ${p.low} is below the objective's ${b.low}` });
      if (p.high > b.high) issues.push({ path: `${path}.high`, message: `${p.name}: high ${p.high} is above the objective's ${b.high}` });
      const offGrid = b.grid && p.grid ? p.grid.filter((v) => !b.grid!.includes(v)) : [];
      if (offGrid.length > 0) issues.push({ path: `${path}.grid`, message: `${p.name}: ${JSON.stringify(offGrid)} not among the objective's grid values ${JSON.stringify(b.grid)}` });
    }
  });
  for (const b of base) {
    if (!space.some((p) => p.name === b.name)) issues.push({ path: "space", message: `${b.name} is missing (pin it with a narrow range instead)` });
  }
  return issues;
}

/** Why a schedule decay cannot apply to this study, naming its field; null when it can. */
function scheduleDecayProblem(param: string, scheduler: string | undefined, space: Space, canBranch: boolean, objective: string): { path: string; message: string } | null {
  if (scheduler !== "race") return { path: "scheduleDecay", message: `the ${scheduler ?? "strategy's"} scheduler has no schedules; scheduleDecay applies to the race (sieve, or a sampler+race strategy)` };
  if (!canBranch) {
    const how = objective === "command" ? " (give command.warmStart: true, or a {parent_checkpoint} argument)" : "";
    return { path: "scheduleDecay", message: `objective '${objective}' cannot start a trial from another's checkpoint, so no schedule can branch${how}` };
  }
  const p = space.find((q) => q.name === param);
  if (!p) return { path: "scheduleDecay.param", message: `'${param}' is not a parameter of this study's space (it has ${space.map((q) => q.name).join(", ")})` };
  if (p.type === "categorical") return { path: "scheduleDecay.param", message: `'${param}' is categorical; a decay multiplies a numeric (float or int) param` };
  return null;
}

/**
 * A space whose numeric parameters take the objective's grid (inside their
 * range) where the objective has one and the request gave none: a table has
 * rows only at its grid points, and sampling between them would snap most
 * trials onto the same few rows.
 */
function withObjectiveGrids(space: Space, base: Space): Space {
  return space.map((p) => {
    const b = base.find((x) => x.name === p.name);
    const grid = b && b.type !== "categorical" ? b.grid : undefined;
    if (p.type === "categorical" || p.grid || !grid || b!.type !== p.type) return p;
    return { ...p, grid: grid.filter((v) => v >= p.low && v <= p.high) };
  });
}

/** Validates a new study against its objective and returns the study it would store, defaults filled in; writes nothing. */
export function validateStudy(input: CreateStudyInput): NewStudy {
  if (input.objective === "command") {
    if (!commandsAllowed()) {
      throw new InputError([{ path: "objective", message: "this server does not run training commands (set HYPERSIEVE_ALLOW_COMMANDS=1 to allow them off loopback)" }], 403);
    }
    const spec = input.command!;
    const names = (input.space ?? spec.space).map((p) => p.name);
    const bad = commandTemplateProblems(spec.argv, names);
    if (bad.length > 0) throw new InputError(bad.map((b) => ({ path: `command.argv.${b.index}`, message: b.message })));
    const specSpace = spaceProblems(spec.space as Space);
    if (specSpace.length > 0) throw new InputError(specSpace.map((message) => ({ path: "command.space", message })));
    const cwd = path.resolve(spec.cwd);
    const stat = fs.statSync(cwd, { throwIfNoEntry: false });
    if (!stat) throw new InputError([{ path: "command.cwd", message: `${cwd} does not exist` }]);
    if (!stat.isDirectory()) throw new InputError([{ path: "command.cwd", message: `${cwd} is not a directory` }]);
  }
  let objective;
  try {
    objective = input.objective === "agent" ? getAgentBoard().objective(input.agent!) : objectiveForStudy(input.objective, input.command);
  } catch (error) {
    // The objective's own checks (a command's spec, an agent's space) are input problems, never a 500.
    throw new InputError([{ path: input.objective === "agent" ? "agent" : input.objective === "command" ? "command" : "objective", message: error instanceof Error ? error.message : String(error) }]);
  }
  if (!objective) throw new InputError([{ path: "objective", message: `unknown objective '${input.objective}'` }]);
  const space = withObjectiveGrids((input.space ?? objective.info.space) as Space, objective.info.space as Space);
  const problems = spaceProblems(space);
  if (problems.length > 0) throw new InputError(problems.map((message) => ({ path: "space", message })));
  const mismatch = spaceAgainstObjective(space, objective.info.space as Space);
  if (mismatch.length > 0) throw new InputError(mismatch);
  const rungs = { ...(input.eta !== undefined ? { eta: input.eta } : {}), ...(input.minEpochs !== undefined ? { minEpochs: input.minEpochs } : {}) };
  const scheduler = strategyParts(input.strategy)[1];
  if (Object.keys(rungs).length > 0 && !RUNG_SCHEDULERS.includes(scheduler)) {
    throw new InputError(
      Object.keys(rungs).map((key) => ({ path: key, message: `the ${scheduler ?? input.strategy} scheduler has no rungs; ${key} applies to ${RUNG_SCHEDULERS.join(", ")}` })),
    );
  }
  if (input.minEpochs !== undefined && input.minEpochs > objective.info.maxEpochs) {
    throw new InputError([{ path: "minEpochs", message: `${input.minEpochs} exceeds the ${objective.info.maxEpochs} epochs of one full training` }]);
  }
  const decay = input.scheduleDecay;
  if (decay) {
    const problem = scheduleDecayProblem(decay.param, scheduler, space, objective.info.warmStart === true, input.objective);
    if (problem) throw new InputError([problem]);
  }
  // A decay rule is a schedule step, so it switches schedules on (the schema refuses it with schedules: false).
  const schedules = decay ? true : input.schedules;
  try {
    createStrategy({
      name: input.strategy,
      space,
      direction: objective.info.direction,
      maxEpochs: objective.info.maxEpochs,
      seed: input.seed,
      settings: { patience: input.patience, warmStart: input.warmStart, schedules, ...rungs, ...(decay ? { scheduleDecay: decay } : {}) },
    });
  } catch (error) {
    throw new InputError([{ path: "strategy", message: error instanceof Error ? error.message : String(error) }]);
  }
  return {
    name: input.name,
    objective: objective.info.id,
    metric: objective.info.metric,
    direction: objective.info.direction,
    strategy: input.strategy,
    space,
    budget: input.budget ?? defaultBudget(objective.info.maxEpochs),
    maxEpochs: objective.info.maxEpochs,
    parallelism: input.parallelism,
    seed: input.seed,
    patience: input.patience ?? null,
    warmStart: input.warmStart,
    schedules,
    ...(decay ? { scheduleDecay: decay } : {}),
    epochDelayMs: input.epochDelayMs,
    objectiveConfig: input.command ?? input.agent ?? null,
    ...rungs,
    keepCheckpoints: input.keepCheckpoints ?? STUDY_DEFAULTS.keepCheckpoints,
    notes: input.notes,
    tags: input.tags,
  };
}

/** Validates a new study against its objective, writes it, and starts it. Writes nothing when invalid. */
export function createStudy(input: CreateStudyInput): StudySummary {
  const study = validateStudy(input);
  // Only the database's owner may add a study it would then run; another process writes nothing.
  getEngine().start();
  const record = insertStudy(study);
  // An agent study's token is issued before its first job is queued, and shown only in this answer.
  const agentToken = input.objective === "agent" ? issueAgentToken(record.id) : undefined;
  getEngine().launch(record.id);
  return { ...getStudySummary(record.id)!, ...(agentToken ? { agentToken } : {}) };
}

/** Pauses, resumes or stops a study; a transition that does not apply is a 409. */
export async function applyStudyAction(id: number, action: StudyAction): Promise<StudySummary> {
  const record = getStudyRecord(id);
  if (!record) throw new InputError([{ path: "id", message: `study ${id} does not exist` }], 404);
  const allowed: Record<StudyAction, string[]> = { pause: ["running"], resume: ["paused"], stop: ["running", "paused"] };
  if (!allowed[action].includes(record.status)) {
    throw new InputError([{ path: "action", message: `cannot ${action} a study that is ${record.status}` }], 409);
  }
  const engine = getEngine();
  if (action === "pause") await engine.pause(id);
  else if (action === "resume") engine.resume(id);
  else await engine.stop(id);
  return getStudySummary(id)!;
}

function liveRun(id: number) {
  const record = getStudyRecord(id);
  if (!record) throw new InputError([{ path: "id", message: `study ${id} does not exist` }], 404);
  if (record.status !== "running" && record.status !== "paused") {
    throw new InputError([{ path: "id", message: `study ${id} is ${record.status}; rules and trials can change only while it runs or is paused` }], 409);
  }
  return getEngine().run(id);
}

/** Adds a user rule to a running or paused study; writes nothing when it is invalid or leaves nothing to try. */
export function addUserRule(id: number, input: UserRuleInput): { rule: Rule; outside: TrialRow[] } {
  const run = liveRun(id);
  const rule = { ...input, id: run.nextUserRuleId(), origin: "user", status: "active", evidence: { statistic: 0, p: 0, trials: 0, summary: "set by the user" } } as Rule;
  const problems = ruleProblems(run.space, rule);
  if (problems.length > 0) throw new InputError(problems.map((m) => ({ path: m.split(":")[0], message: m })));
  try {
    const result = run.addUserRule(rule);
    return { rule: result.rule, outside: getTrialRows(id, result.outside) };
  } catch (error) {
    if (error instanceof RangeError) throw new InputError([{ path: "rule", message: error.message }]);
    throw error;
  }
}

/** Accepts or rejects a rule of a running or paused study. */
export function decideRule(id: number, ruleId: string, status: "active" | "rejected"): { rule: Rule; outside: TrialRow[] } {
  const run = liveRun(id);
  try {
    const result = run.decideRule(ruleId, status);
    return { rule: result.rule, outside: getTrialRows(id, result.outside) };
  } catch (error) {
    if (error instanceof RangeError) throw new InputError([{ path: "ruleId", message: error.message }], 404);
    throw error;
  }
}

/** Stops one running or paused trial. */
export async function stopTrial(id: number, number: number): Promise<TrialRow> {
  const run = liveRun(id);
  if (!run.stopTrial(number)) throw new InputError([{ path: "number", message: `trial ${number} is not running or paused` }], 409);
  await run.idleTrial(number);
  return getTrialRows(id, [number])[0];
}
