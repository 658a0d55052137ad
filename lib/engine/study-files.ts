/**
 * Study files on both sides: `hypersieve run FILE` and POST /api/studies
 * with `{studyFile}` read the same YAML through the same steps — parse,
 * the API's schema, the objective's checks — and every problem names the
 * file's line and field.
 */
import "server-only";
import { HttpError, isHttpError } from "../api/http";
import { createStudySchema, type CreateStudyInput, type StudySummary } from "../api/schemas";
import { fileFieldOf, parseStudyFile, StudyFileError, type ParsedStudyFile } from "../cli/study-file";
import { getObjective } from "../objectives/registry";
import type { NewStudy } from "../../db/queries";
import { createStudy, validateStudy } from "./studies";

/** Parses a study file with the objectives' spaces and epochs at hand; throws StudyFileError. */
export function parseStudyFileHere(text: string, file: string): ParsedStudyFile {
  return parseStudyFile(
    text,
    file,
    (objective) => getObjective(objective)?.info.space,
    (objective) => getObjective(objective)?.info.maxEpochs,
  );
}

/** Runs a step on the parsed input; its field problems (HttpError issues) come back as the file's lines. */
function inFileTerms<T>(parsed: ParsedStudyFile, file: string, step: () => T): T {
  try {
    return step();
  } catch (error) {
    if (isHttpError(error) && error.issues) {
      throw new StudyFileError(
        file,
        error.issues.map((i) => {
          const field = fileFieldOf(i.path, parsed.input);
          return { line: parsed.lineOf(field), field: field.join("."), message: i.message };
        }),
      );
    }
    throw error;
  }
}

/** The study request a file makes, after the API's schema (defaults applied), in file terms. */
export function studyInputOfFile(text: string, file: string): { parsed: ParsedStudyFile; input: CreateStudyInput } {
  const parsed = parseStudyFileHere(text, file);
  const result = createStudySchema.safeParse(parsed.input);
  if (!result.success) {
    throw new StudyFileError(
      file,
      result.error.issues.map((i) => {
        const field = fileFieldOf(i.path.map(String).join("."), parsed.input);
        return { line: parsed.lineOf(field), field: field.join("."), message: i.message };
      }),
    );
  }
  return { parsed, input: result.data };
}

/** Validates a study file against its objective and returns the study it would make; writes nothing. */
export function previewStudyFile(text: string, file: string): NewStudy {
  const { parsed, input } = studyInputOfFile(text, file);
  return inFileTerms(parsed, file, () => validateStudy(input));
}

/**
 * Creates and starts the study a file defines; throws StudyFileError naming lines, or HttpError (403, 409) as
 * createStudy does. `read` is the file's studyInputOfFile when the caller has it already (the CLI), so it is not
 * parsed twice.
 */
export function createStudyFromFile(text: string, file: string, read: ReturnType<typeof studyInputOfFile> = studyInputOfFile(text, file)): StudySummary {
  const { parsed, input } = read;
  return inFileTerms(parsed, file, () => createStudy(input));
}

/** A StudyFileError as the API's 400: the message lists `file:line: field: problem`, and each issue carries its line. */
export function studyFileHttpError(error: StudyFileError): HttpError {
  const issues = error.problems.map((p) => ({ path: p.field, message: p.message, ...(p.line ? { line: p.line } : {}) }));
  return new HttpError(400, `invalid study file: ${error.message.replace(/\n/g, "; ")}`, issues);
}
