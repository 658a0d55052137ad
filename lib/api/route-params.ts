import { HttpError, parseWith } from "./http";
import { studyIdSchema } from "./schemas";

/** The study id of a dynamic route, or a 400 naming it. */
export async function studyIdOf(context: { params: Promise<{ id: string }> }): Promise<number> {
  const { id } = await context.params;
  return parseWith(studyIdSchema, id, "study id");
}

/** Throws a 404 naming the study when a lookup came back empty. */
export function found<T>(value: T | null | undefined, id: number): T {
  if (value === null || value === undefined) throw new HttpError(404, `study ${id} does not exist`);
  return value;
}
