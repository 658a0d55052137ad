/**
 * The input shape of a command study's training command (docs/command-protocol.md):
 * what createCommandObjective in lib/objectives/command.ts takes.
 */
import { z } from "zod";
import { plainText, spaceSchema } from "./space-schema";

/** The placeholders every template may use besides the params. */
export const BUILTIN_PLACEHOLDERS = ["epochs", "from_epoch", "checkpoint_dir", "resume_from", "resume_file", "parent_checkpoint", "shrink_perturb", "seed"] as const;

/** Whether a command can start a trial from another trial's checkpoint: it says so, or its argv takes {parent_checkpoint}. */
export function commandCanWarmStart(spec: { argv: readonly string[]; warmStart?: boolean }): boolean {
  return spec.warmStart ?? spec.argv.some((arg) => placeholdersOf(arg).includes("parent_checkpoint"));
}

// "{{" and "}}" stand for literal braces; "{name}" is a placeholder.
const PLACEHOLDER = /\{\{|\}\}|\{([^{}]*)\}/g;

/** The placeholder names in one argument, in order. */
export function placeholdersOf(arg: string): string[] {
  return [...arg.matchAll(PLACEHOLDER)].flatMap((m) => (m[1] === undefined ? [] : [m[1]]));
}

/** One argument with its placeholders replaced; every name must be in `values`. */
export function fillPlaceholders(arg: string, values: ReadonlyMap<string, string>): string {
  return arg.replace(PLACEHOLDER, (match, name: string | undefined) => (name === undefined ? match[0] : values.get(name)!));
}

/** What is wrong with a template for a space's param names, each problem with the index of its argument (-1: the space). */
export function commandTemplateProblems(argv: readonly string[], paramNames: readonly string[]): { index: number; message: string }[] {
  const builtins = new Set<string>(BUILTIN_PLACEHOLDERS);
  const names = new Set(paramNames);
  const problems: { index: number; message: string }[] = [];
  for (const name of names) {
    if (builtins.has(name)) problems.push({ index: -1, message: `param '${name}' has the name of the built-in placeholder {${name}}; rename it` });
  }
  argv.forEach((arg, index) => {
    for (const name of placeholdersOf(arg)) {
      if (names.has(name) || builtins.has(name)) continue;
      const known = [...names, ...builtins].map((n) => `{${n}}`).join(", ");
      problems.push({ index, message: `argv[${index}] has the unknown placeholder {${name}}; known: ${known} (write {{ and }} for literal braces)` });
    }
  });
  return problems;
}

/** How a command study starts its program (docs/command-protocol.md): per job, per trial, or per worker. */
export const COMMAND_PROTOCOLS = ["per-job", "persistent", "worker"] as const;
export type CommandProtocolName = (typeof COMMAND_PROTOCOLS)[number];
/** The protocol of a spec that names none. */
export const DEFAULT_COMMAND_PROTOCOL: CommandProtocolName = "per-job";

const envName = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]{0,127}$/, "must be letters, digits and '_', not starting with a digit");

export const commandSpecSchema = z
  .object({
    /** The program and its arguments, with {param} and built-in placeholders; run without a shell. */
    argv: z
      .array(z.string().max(1000, "must be at most 1000 characters").refine((a) => !a.includes("\0"), "must not contain a NUL byte"))
      .min(1)
      .max(64)
      .refine((argv) => argv.length === 0 || argv[0].trim() !== "", { path: [0], message: "argv[0] must name a program, not be empty" }),
    cwd: z.string().min(1).max(4096).refine((c) => !c.includes("\0"), "must not contain a NUL byte"),
    /** The key of the optimized value in each JSON line; a first line without it fails the job. */
    metric: z.string().regex(/^[A-Za-z_][A-Za-z0-9_.\-/]{0,63}$/, "must be a JSON key of 1–64 letters, digits, '_', '.', '-' or '/'").default("value"),
    direction: z.enum(["minimize", "maximize"]),
    maxEpochs: z.number().int().min(1).max(100_000),
    space: spaceSchema,
    env: z
      .record(envName, z.string().max(10_000).refine((v) => !v.includes("\0"), "must not contain a NUL byte"))
      .refine((env) => Object.keys(env).length <= 100, "must have at most 100 variables")
      .refine((env) => !Object.keys(env).some((k) => k.startsWith("HYPERSIEVE_")), "must not set HYPERSIEVE_* variables; the study sets them")
      .optional(),
    graceMs: z.number().int().min(100).max(600_000).default(5000),
    timeoutMs: z.number().int().min(1000).max(7 * 24 * 3_600_000).default(600_000),
    title: plainText(z.string().trim().min(1).max(120)).optional(),
    /** Whether the program can start a trial from its parent's checkpoint (HYPERSIEVE_PARENT_CHECKPOINT); absent means: when argv uses {parent_checkpoint}. */
    warmStart: z.boolean().optional(),
    /** "per-job" (a new process per job, the default), "persistent" (one per trial, waiting on stdin between its jobs) or "worker" (a waiting program may take another trial's job). */
    protocol: z.enum(COMMAND_PROTOCOLS).optional(),
    /** Persistent protocol: how long a program may wait for its trial's next job before it is ended (default 5 minutes). */
    keepAliveMs: z.number().int().min(1000).max(24 * 3_600_000).optional(),
    /** Persistent protocol: how many programs may wait at once (default 8). */
    maxWaiting: z.number().int().min(0).max(1000).optional(),
  })
  .strict()
  .superRefine((spec, ctx) => {
    for (const { index, message } of commandTemplateProblems(spec.argv, spec.space.map((p) => p.name))) {
      ctx.addIssue({ code: "custom", path: index < 0 ? ["space"] : ["argv", index], message });
    }
  });
export type CommandSpecInput = z.infer<typeof commandSpecSchema>;
