import "server-only";
import type { z } from "zod";
import { authenticateAgent } from "../engine/agent-board";
import { readJson, type BodySource } from "./http";

/** Reads an agent request's body and checks its bearer token against the study it names. */
export async function agentSchemaGuard<T extends z.ZodType<{ study: number }>>(request: BodySource, schema: T): Promise<z.infer<T>> {
  const body = await readJson(request, schema);
  authenticateAgent(body.study, request.headers.get("authorization"));
  return body;
}
