/** Zod schemas of search-space parameters, shared by study creation and command specs. */
import { z } from "zod";

/**
 * What a name shown to people must not contain: control characters (NUL included), lone UTF-16
 * surrogates (not text; they break UTF-8 output) and bidirectional controls such as U+202E, which
 * make a name display as something it is not.
 */
export function textProblem(text: string): string | null {
  if (/[\u0000-\u001f\u007f-\u009f]/.test(text)) return "must not contain control characters (NUL, newlines, escapes)";
  if (/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/.test(text)) return "must not contain a lone UTF-16 surrogate";
  if (/[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/.test(text)) return "must not contain bidirectional control characters (such as U+202E)";
  return null;
}

/** A string shown to people: no control characters, lone surrogates or bidirectional controls. */
export function plainText(schema: z.ZodString = z.string()) {
  return schema.superRefine((text, ctx) => {
    const problem = textProblem(text);
    if (problem) ctx.addIssue({ code: "custom", message: problem });
  });
}

export const finite = z.number().refine(Number.isFinite, "must be a finite number");
export const paramName = z
  .string()
  .regex(/^[A-Za-z_][A-Za-z0-9_.-]{0,63}$/, "must be 1–64 letters, digits, '_', '.' or '-', starting with a letter or '_'")
  .refine((n) => n !== "__proto__" && n !== "constructor" && n !== "prototype", "must not be a reserved name");

export const paramSchema = z.discriminatedUnion("type", [
  z.object({ type: z.literal("float"), name: paramName, low: finite, high: finite, log: z.boolean().optional(), grid: z.array(finite).min(1).max(1000).optional() }),
  z.object({
    type: z.literal("int"),
    name: paramName,
    low: z.number().int(),
    high: z.number().int(),
    log: z.boolean().optional(),
    step: z.number().int().positive().optional(),
    grid: z.array(z.number().int()).min(1).max(1000).optional(),
  }),
  z.object({
    type: z.literal("categorical"),
    name: paramName,
    choices: z.array(z.union([plainText(z.string().max(200)), finite, z.boolean()])).min(1).max(100),
  }),
]);
export const spaceSchema = z.array(paramSchema).min(1, "must have at least one parameter").max(64);

