import { listStudies } from "@/db/queries";
import { handle, methodNotAllowed, parseWith, readJson } from "@/lib/api/http";
import { queryOf } from "@/lib/api/route-params";
import { createStudySchema, studiesQuerySchema, studyFileBodySchema } from "@/lib/api/schemas";
import { StudyFileError } from "@/lib/cli/study-file";
import { createStudy } from "@/lib/engine/studies";
import { createStudyFromFile, previewStudyFile, studyFileHttpError } from "@/lib/engine/study-files";
import { z } from "zod";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

/** Every study, newest first; `?tag=x` keeps the studies tagged x. */
export function GET(request: Request) {
  return handle(() => {
    const { tag } = queryOf(request, studiesQuerySchema);
    return Response.json(listStudies(tag));
  });
}

/** The name study-file problems carry: the JSON field the file came in. */
const FILE = "studyFile";

/**
 * Creates a study from its fields, or from a study file, `{"studyFile": "<YAML>"}`,
 * as `hypersieve run` reads it (problems name the file's lines); with
 * `"dryRun": true`, answers the study the file would make and creates nothing.
 */
export function POST(request: Request) {
  return handle(async () => {
    const body = await readJson(request, z.unknown());
    if (typeof body === "object" && body !== null && !Array.isArray(body) && "studyFile" in body) {
      const { studyFile, dryRun } = parseWith(studyFileBodySchema, body, "body");
      try {
        if (dryRun) return Response.json(previewStudyFile(studyFile, FILE));
        return Response.json(createStudyFromFile(studyFile, FILE), { status: 201 });
      } catch (error) {
        if (error instanceof StudyFileError) throw studyFileHttpError(error);
        throw error;
      }
    }
    const input = parseWith(createStudySchema, body, "body");
    return Response.json(createStudy(input), { status: 201 });
  });
}

const notAllowed = methodNotAllowed("GET", "POST");
export { notAllowed as PUT, notAllowed as PATCH, notAllowed as DELETE };
