/**
 * The OpenAPI 3.1 description of the HTTP API, built from the same zod
 * schemas the routes parse with, so it cannot drift from what they accept.
 */
import { z } from "zod";
import { compareQuerySchema } from "./compare-schema";
import { agentFinishSchema, agentReleaseSchema, agentRenewSchema, agentReportSchema, claimSchema } from "./agent";
import {
  annotationSchema,
  createStudySchema,
  curvesQuerySchema,
  exportQuerySchema,
  extendBudgetSchema,
  ruleDecisionSchema,
  scatterQuerySchema,
  studiesQuerySchema,
  studyActionSchema,
  studyFileBodySchema,
  trialsQuerySchema,
  userRuleSchema,
} from "./schemas";
import { effectsQuerySchema, pointsQuerySchema } from "./explore-schemas";

type Op = {
  summary: string;
  body?: z.ZodType;
  /** Another body the operation takes instead (oneOf). */
  orBody?: z.ZodType;
  query?: z.ZodObject;
  ok: number;
  agent?: boolean;
  answers: string;
};

const ops: Record<string, Record<string, Op>> = {
  "/api/objectives": { get: { summary: "The objectives a study can optimize, with their default spaces", ok: 200, answers: "ObjectiveInfo[]" } },
  "/api/studies": {
    get: { summary: "Every study's summary, newest first; ?tag=x keeps those tagged x", query: studiesQuerySchema, ok: 200, answers: "StudySummary[]" },
    post: {
      summary:
        "Create and start a study: from its fields, or from a study file as `hypersieve run` reads it, {studyFile: '<YAML>'} (problems name the file's line; a relative cwd is the server's). With dryRun: true, answers 200 with the study the file would make and creates nothing",
      body: createStudySchema,
      orBody: studyFileBodySchema,
      ok: 201,
      answers: "StudySummary (with agentToken, once, for an agent study); StudyPreview for a dry run",
    },
  },
  "/api/studies/{id}": {
    get: { summary: "A study and a bounded set of its trials (?trials=all for every one)", ok: 200, answers: "StudyDetail" },
    patch: { summary: "Set a study's notes and/or tags", body: annotationSchema, ok: 200, answers: "StudySummary" },
    delete: { summary: "Delete a study that is not running or paused: its rows and its checkpoint folder; 409 while it runs", ok: 200, answers: "{id, checkpoints}" },
  },
  "/api/studies/{id}/budget": {
    post: { summary: "Raise a completed or stopped study's budget (same kind) and let it go on where it was; 409 otherwise", body: extendBudgetSchema, ok: 200, answers: "StudySummary" },
  },
  "/api/studies/{id}/actions": { post: { summary: "Pause, resume or stop a study", body: studyActionSchema, ok: 200, answers: "StudySummary" } },
  "/api/studies/{id}/curves": { get: { summary: "Learning curves, chosen and downsampled on the server", query: curvesQuerySchema, ok: 200, answers: "CurvesResponse" } },
  "/api/studies/{id}/trials": { get: { summary: "One page of trials, sorted and filtered", query: trialsQuerySchema, ok: 200, answers: "TrialsPage" } },
  "/api/studies/{id}/trials/{number}": {
    get: { summary: "One trial: curve, extra metrics, events, best checkpoint", ok: 200, answers: "TrialDetail" },
    patch: { summary: "Set a trial's notes and/or tags", body: annotationSchema, ok: 200, answers: "TrialRow" },
  },
  "/api/studies/{id}/trials/{number}/stop": { post: { summary: "Stop one running or paused trial", ok: 200, answers: "TrialRow" } },
  "/api/studies/{id}/analysis": { get: { summary: "The sieve's analysis rounds and the study's rules", ok: 200, answers: "AnalysisResponse" } },
  "/api/studies/{id}/rules": { post: { summary: "Add a user rule: pin, range or exclusion", body: userRuleSchema, ok: 201, answers: "RuleChangeResponse" } },
  "/api/studies/{id}/rules/{ruleId}": { patch: { summary: "Accept or reject a rule", body: ruleDecisionSchema, ok: 200, answers: "RuleChangeResponse" } },
  "/api/studies/{id}/scatter": { get: { summary: "Two parameters of the trials with their best values", query: scatterQuerySchema, ok: 200, answers: "ScatterResponse" } },
  "/api/studies/{id}/race": { get: { summary: "Rungs, rank agreement between rungs, entry rung", ok: 200, answers: "RaceResponse" } },
  "/api/studies/{id}/effects": { get: { summary: "The effect tests (importance, interactions, fidelity effects) run on the study's stored trials, whatever its strategy", query: effectsQuerySchema, ok: 200, answers: "EffectsResponse" } },
  "/api/studies/{id}/points": { get: { summary: "Every trial (or a sample) as one point, and the best so far by trial number", query: pointsQuerySchema, ok: 200, answers: "PointsResponse" } },
  "/api/studies/{id}/history": { get: { summary: "Best value so far against epochs spent", ok: 200, answers: "HistoryResponse" } },
  "/api/compare": { get: { summary: "Several studies side by side: best-so-far against epochs spent (ids=1,2,3)", query: compareQuerySchema, ok: 200, answers: "CompareResponse" } },
  "/api/studies/{id}/export": { get: { summary: "Trials or measurements as CSV or JSON", query: exportQuerySchema, ok: 200, answers: "a file" } },
  "/api/studies/{id}/agent-token": { post: { summary: "Issue a new agent token for an agent study (the old one stops working)", ok: 201, answers: "{token}" } },
  "/api/agent/claim": { post: { summary: "An agent claims a job (a lease); 204 when none waits, 410 when the study is over", body: claimSchema, ok: 200, agent: true, answers: "ClaimedJob" } },
  "/api/agent/jobs/{job}/report": { post: { summary: "Report one epoch; stored before the decision is sent; 409 when the lease is gone", body: agentReportSchema, ok: 200, agent: true, answers: "{decision: continue|pause|stop}" } },
  "/api/agent/jobs/{job}/renew": { post: { summary: "Renew a lease; 409 tells the agent to stop", body: agentRenewSchema, ok: 200, agent: true, answers: "{leaseSeconds}" } },
  "/api/agent/jobs/{job}/finish": { post: { summary: "The agent's program ended on its own", body: agentFinishSchema, ok: 200, agent: true, answers: "{ok}" } },
  "/api/agent/jobs/{job}/release": {
    post: { summary: "The agent lets go of a job before its end (SIGTERM); it is queued again from its last acknowledged epoch", body: agentReleaseSchema, ok: 200, agent: true, answers: "{ok}" },
  },
  "/api/agent/download": { get: { summary: "The agent as one JavaScript file that needs only Node (node hypersieve-agent.mjs --server URL --study ID -- PROGRAM …)", ok: 200, answers: "a file" } },
};

const errorSchema = {
  type: "object",
  properties: {
    error: { type: "string" },
    issues: { type: "array", items: { type: "object", properties: { path: { type: "string" }, message: { type: "string" }, line: { type: "integer", description: "for a study file: the line of the field" } } } },
  },
  required: ["error"],
};

function pathParams(path: string) {
  return [...path.matchAll(/\{(\w+)\}/g)].map((m) => ({ name: m[1], in: "path", required: true, schema: { type: m[1] === "ruleId" ? "string" : "integer" } }));
}

function queryParams(query?: z.ZodObject) {
  if (!query) return [];
  const schema = z.toJSONSchema(query, { io: "input" }) as { properties?: Record<string, unknown> };
  return Object.entries(schema.properties ?? {}).map(([name, s]) => ({ name, in: "query", required: false, schema: s }));
}

function bodySchema(op: Op) {
  const one = (schema: z.ZodType) => z.toJSONSchema(schema, { io: "input", unrepresentable: "any" });
  return op.orBody ? { oneOf: [one(op.body!), one(op.orBody)] } : one(op.body!);
}

/** The OpenAPI document of this server's HTTP API. */
export function openApiDocument(): Record<string, unknown> {
  const paths: Record<string, unknown> = {};
  for (const [path, methods] of Object.entries(ops)) {
    paths[path] = Object.fromEntries(
      Object.entries(methods).map(([method, op]) => [
        method,
        {
          summary: op.summary,
          parameters: [...pathParams(path), ...queryParams(op.query)],
          ...(op.agent ? { security: [{ agentToken: [] }] } : {}),
          ...(op.body ? { requestBody: { required: true, content: { "application/json": { schema: bodySchema(op) } } } } : {}),
          responses: {
            [op.ok]: { description: op.answers },
            "4XX": { description: "A bad request; `error` names the field, `issues` lists each", content: { "application/json": { schema: errorSchema } } },
          },
        },
      ]),
    );
  }
  return {
    openapi: "3.1.0",
    info: {
      title: "Hypersieve",
      version: "0.1.0",
      description:
        "Hyperparameter optimization studio. Every input is validated; a 4xx names the bad field and writes nothing. State-changing requests from browsers must come from this server's origin. Agent routes take the study's agent token in an Authorization: Bearer header (never in a URL).",
    },
    servers: [{ url: "http://127.0.0.1:3000" }],
    components: { securitySchemes: { agentToken: { type: "http", scheme: "bearer" } } },
    paths,
  };
}
