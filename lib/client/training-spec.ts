/**
 * The new-study form's fields for a user's own training — a command this
 * server runs, or remote agents — turned into the API's spec, with the
 * problems the browser can see on its own keyed by the server's paths
 * ("command.argv.2", "agent.maxEpochs", "space.0.name").
 */
import type { z } from "zod";
import type { agentSpecSchema } from "@/lib/api/agent";
import { BUILTIN_PLACEHOLDERS, commandTemplateProblems, DEFAULT_COMMAND_PROTOCOL, type CommandProtocolName, type commandSpecSchema } from "@/lib/api/command";
import type { ParamDef } from "@/lib/api/schemas";
import { paramName } from "@/lib/api/space-schema";

/** The objectives whose space the user writes: "command" and "agent". */
export type TrainingKind = "command" | "agent";

export function isTrainingKind(objective: string): objective is TrainingKind {
  return objective === "command" || objective === "agent";
}

/** The fields as typed; numbers stay text until submit. */
export type TrainingFields = {
  argvText: string;
  cwd: string;
  protocol: CommandProtocolName;
  metric: string;
  direction: "minimize" | "maximize";
  maxEpochs: string;
  leaseSeconds: string;
  requeue: boolean;
};

export const DEFAULT_TRAINING_FIELDS: TrainingFields = {
  argvText: "",
  cwd: ".",
  protocol: DEFAULT_COMMAND_PROTOCOL,
  metric: "value",
  direction: "minimize",
  maxEpochs: "10",
  leaseSeconds: "60",
  requeue: true,
};

/** The example space a new command or agent study starts from, so the form shows how a parameter looks. */
export const EXAMPLE_SPACE: ParamDef[] = [{ type: "float", name: "lr", low: 0.0001, high: 0.1, log: true }];

type CommandBody = z.input<typeof commandSpecSchema>;
type AgentBody = z.input<typeof agentSpecSchema>;
type Issues = Record<string, string>;

/** Why a param name is not accepted, or null. */
export function paramNameProblem(name: string): string | null {
  if (name === "") return "must not be empty";
  const result = paramName.safeParse(name);
  return result.success ? null : (result.error.issues[0]?.message ?? "is not a valid name");
}

/**
 * The argv typed one argument per line: each line trimmed, trailing blank lines
 * dropped; other lines keep their index, so "command.argv.2" is the third line.
 */
export function argvFromText(text: string): string[] {
  const lines = text.split(/\r?\n/).map((line) => line.trim());
  while (lines.length > 0 && lines[lines.length - 1] === "") lines.pop();
  return lines;
}

function integerIn(text: string, min: number, max: number, path: string, issues: Issues): number {
  const value = text.trim() === "" ? Number.NaN : Number(text);
  if (!Number.isInteger(value) || value < min || value > max) issues[path] = `must be a whole number from ${min} to ${max.toLocaleString("en-US")}`;
  return value;
}

function commonChecks(kind: TrainingKind, fields: TrainingFields, issues: Issues): number {
  if (fields.metric.trim() === "") issues[`${kind}.metric`] = "must not be empty";
  return integerIn(fields.maxEpochs, 1, 100_000, `${kind}.maxEpochs`, issues);
}

/** The command spec for a command study, and what is wrong with it. */
export function commandSpecFrom(fields: TrainingFields, space: ParamDef[]): { spec: CommandBody; issues: Issues } {
  const issues: Issues = {};
  const argv = argvFromText(fields.argvText);
  if (argv.length === 0) issues["command.argv"] = "enter the program and its arguments, one per line";
  else if (argv.length > 64) issues["command.argv"] = `has ${argv.length} arguments; at most 64`;
  argv.forEach((arg, i) => {
    if (arg === "") issues[`command.argv.${i}`] = `line ${i + 1} is blank; remove it`;
  });
  const builtins = new Set<string>(BUILTIN_PLACEHOLDERS);
  space.forEach((p, i) => {
    if (builtins.has(p.name)) issues[`space.${i}.name`] = `'${p.name}' is the built-in placeholder {${p.name}}; rename the parameter`;
  });
  // Problems of the space itself (index -1) are reported above, on the param's own row.
  for (const { index, message } of commandTemplateProblems(argv, space.map((p) => p.name))) {
    if (index >= 0) issues[`command.argv.${index}`] ??= message;
  }
  if (fields.cwd.trim() === "") issues["command.cwd"] = "must not be empty; '.' is the server's working directory";
  const maxEpochs = commonChecks("command", fields, issues);
  const spec: CommandBody = { argv, cwd: fields.cwd.trim(), protocol: fields.protocol, metric: fields.metric.trim(), direction: fields.direction, maxEpochs, space };
  return { spec, issues };
}

/** The agent spec for an agent study, and what is wrong with it. */
export function agentSpecFrom(fields: TrainingFields, space: ParamDef[]): { spec: AgentBody; issues: Issues } {
  const issues: Issues = {};
  const maxEpochs = commonChecks("agent", fields, issues);
  const leaseSeconds = integerIn(fields.leaseSeconds, 2, 86_400, "agent.leaseSeconds", issues);
  const spec: AgentBody = { metric: fields.metric.trim(), direction: fields.direction, maxEpochs, space, leaseSeconds, requeue: fields.requeue };
  return { spec, issues };
}

/**
 * The shell lines that start an agent for a study on any machine with Node:
 * download the one-file agent from this server, then run it. The program after
 * "--" is a hint built from the space's names; the token goes in the
 * environment, never in the agent's own arguments.
 */
export function agentCommandLine(origin: string, studyId: number, token: string, space: ParamDef[]): string {
  const names = space.length > 0 ? space.map((p) => p.name) : ["lr"];
  const args = names.map((name) => `--${name} {${name}}`).join(" ");
  return [
    `curl -fsS ${origin}/api/agent/download -o hypersieve-agent.mjs`,
    `HYPERSIEVE_TOKEN=${token} node hypersieve-agent.mjs --server ${origin} --study ${studyId} -- python train.py ${args}`,
  ].join("\n");
}
