import "server-only";
import { getStudyRecord } from "../../db/queries";
import { HttpError, parseWith } from "./http";
import { studyIdSchema, textProblem } from "./schemas";
import { z } from "zod";

type Context<P> = { params: Promise<P> };

/** A route's path parameters; a segment that is not valid percent-encoding is a 400, not a 500. */
export async function paramsOf<P>(context: Context<P>): Promise<P> {
  try {
    return await context.params;
  } catch (error) {
    if (error instanceof URIError) throw new HttpError(400, `the path has a malformed percent-escape: ${error.message}`);
    throw error;
  }
}

/** The study id of a dynamic route, or a 400 naming it. */
export async function studyIdOf(context: Context<{ id: string }>): Promise<number> {
  const { id } = await paramsOf(context);
  return parseWith(studyIdSchema, id, "study id");
}

/** The id of a study that exists, or a 400/404 naming it. */
export async function existingStudyId(context: Context<{ id: string }>): Promise<number> {
  const id = await studyIdOf(context);
  found(getStudyRecord(id), id);
  return id;
}

// Built once, as every schema here: building a zod schema costs far more than parsing with it.
const trialNumberSchema = z.string().regex(/^[0-9]{1,15}$/, "a trial number must be written in decimal digits only").transform(Number);

/** A trial number from the route, or a 400 naming it. */
export async function trialNumberOf(context: Context<{ number: string }>): Promise<number> {
  const { number } = await paramsOf(context);
  return parseWith(trialNumberSchema, number, "trial number");
}

/** A rule id from the route, decoded once (by Next), or a 400 naming what is wrong with it. */
export async function ruleIdOf(context: Context<{ ruleId: string }>): Promise<string> {
  const { ruleId } = await paramsOf(context);
  const problem = ruleId.length === 0 || ruleId.length > 200 ? "must be 1–200 characters" : textProblem(ruleId);
  if (problem) throw new HttpError(400, `invalid rule id: ${problem}`);
  return ruleId;
}

/** Parses the query string with a schema, or a 400 naming the bad parameter. */
export function queryOf<T extends z.ZodType>(request: Request, schema: T): z.infer<T> {
  return parseWith(schema, Object.fromEntries(new URL(request.url).searchParams), "query");
}

/** Throws a 404 naming the study when a lookup came back empty. */
export function found<T>(value: T | null | undefined, id: number, what = `study ${id}`): T {
  if (value === null || value === undefined) throw new HttpError(404, `${what} does not exist`);
  return value;
}
