/** The comparison of studies side by side: which studies (`?ids=1,2,3`) and what comes back. */
import { z } from "zod";
import { studyIdSchema, type StudySummary } from "./schemas";

/** How many studies one chart compares at most (one colour each). */
export const MAX_COMPARED = 8;

/**
 * Study ids as `ids=1,2,3`, or repeated (`ids=1&ids=2`, what the studies
 * list's form sends); each a decimal id, at least one, at most MAX_COMPARED,
 * a repeated id counted once, in the order first named.
 */
export const compareIdsSchema = z
  .union([z.string(), z.array(z.string())], { error: "name the studies to compare, as ids=1,2" })
  .transform((raw) => (Array.isArray(raw) ? raw : [raw]).flatMap((s) => s.split(",")).map((s) => s.trim()).filter((s) => s !== ""))
  .pipe(z.array(studyIdSchema).min(1, "name at least one study id, as ids=1,2"))
  .transform((ids) => [...new Set(ids)])
  .pipe(z.array(z.number()).max(MAX_COMPARED, `compare at most ${MAX_COMPARED} studies at once`));

export const compareQuerySchema = z.object({ ids: compareIdsSchema });

/** One study of a comparison: its summary, best-so-far at each improvement as [epochs spent, best value], and the epochs spent in all. */
export type CompareSeries = { study: StudySummary; points: [number, number][]; epochs: number };

export type CompareResponse = { series: CompareSeries[] };
