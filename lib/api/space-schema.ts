/** Zod schemas of search-space parameters, shared by study creation and command specs. */
import { z } from "zod";

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
    choices: z.array(z.union([z.string().max(200), finite, z.boolean()])).min(1).max(100),
  }),
]);
export const spaceSchema = z.array(paramSchema).min(1, "must have at least one parameter").max(64);

