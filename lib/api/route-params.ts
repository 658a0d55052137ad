import "server-only";
import { getStudyRecord } from "../../db/queries";
import { HttpError, parseWith } from "./http";
import { studyIdSchema } from "./schemas";
import { z } from "zod";

type Context<P> = { params: Promise<P> };

/** The study id of a dynamic route, or a 400 naming it. */
export async function studyIdOf(context: Context<{ id: string }>): Promise<number> {
  const { id } = await context.params;
  return parseWith(studyIdSchema, id, "study id");
}

/** The id of a study that exists, or a 400/404 naming it. */
export async function existingStudyId(context: Context<{ id: string }>): Promise<number> {
  const id = await studyIdOf(context);
  found(getStudyRecord(id), id);
  return id;
}

/** A trial number from the route, or a 400 naming it. */
export async function trialNumberOf(context: Context<{ number: string }>): Promise<number> {
  const { number } = await context.params;
  return parseWith(z.coerce.number().int().min(0), number, "trial number");
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
