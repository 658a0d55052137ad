/** Helpers of the agent routes: the job id from the path, and the study's liveness. */
import "server-only";
import { getStudyRecord } from "../../db/queries";
import { HttpError, parseWith } from "./http";
import { paramsOf } from "./route-params";
import { decimalIdSchema } from "./schemas";

/** The job id of an agent route, or a 400 naming it. */
export async function jobIdOf(context: { params: Promise<{ job: string }> }): Promise<number> {
  const { job } = await paramsOf(context);
  return parseWith(decimalIdSchema("a job id"), job, "job id");
}

/** A 410 once the study is over, so agents stop asking; 404 when it does not exist. */
export function requireOpenStudy(studyId: number): void {
  const study = getStudyRecord(studyId);
  if (!study) throw new HttpError(404, `study ${studyId} does not exist`);
  if (study.status !== "running" && study.status !== "paused") throw new HttpError(410, `study ${studyId} is ${study.status}: no more jobs`);
}
