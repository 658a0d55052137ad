/** Shapes of the agent protocol: an agent study's spec and the bodies agents send. */
import { z } from "zod";
import { finite, paramName, plainText, spaceSchema } from "./space-schema";

export const agentSpecSchema = z
  .object({
    metric: plainText(z.string().min(1).max(100)).default("value"),
    direction: z.enum(["minimize", "maximize"]).default("minimize"),
    maxEpochs: z.number().int().min(1).max(100_000),
    space: spaceSchema,
    leaseSeconds: z.number().int().min(2).max(86_400).default(60),
    /** A stale lease puts its job back on the queue (true) or fails its trial (false). */
    requeue: z.boolean().default(true),
    /**
     * A folder every agent sees at the same path (NFS, a cluster filesystem): checkpoints go there, so
     * any agent resumes any trial. Without one, each agent keeps its own and a paused trial waits for it.
     */
    sharedCheckpoints: plainText(z.string().max(1000))
      .refine((p) => p.startsWith("/"), "must be an absolute path (the same on every agent)")
      .optional(),
    title: plainText(z.string().max(200)).optional(),
  })
  .strict();
export type AgentSpecInput = z.infer<typeof agentSpecSchema>;

const agentName = z.string().regex(/^[A-Za-z0-9_.:@-]{1,100}$/, "must be 1–100 letters, digits or _ . : @ -");

export const claimSchema = z.object({ study: z.number().int().positive(), agent: agentName }).strict();
export const agentReportSchema = z
  .object({
    study: z.number().int().positive(),
    agent: agentName,
    epoch: z.number().int().positive(),
    /** null stands for a non-finite value (a diverged run). */
    value: z.union([finite, z.null()]),
    extra: z.record(paramName, finite).optional(),
    /** An epoch up to the job's fromEpoch trained again (no checkpoint at hand): charged to the budget, not stored. */
    retrained: z.literal(true).optional(),
  })
  .strict();
export const agentRenewSchema = z.object({ study: z.number().int().positive(), agent: agentName }).strict();
export const agentFinishSchema = z
  .object({ study: z.number().int().positive(), agent: agentName, status: z.enum(["exited", "failed"]), message: z.string().max(4000).optional() })
  .strict();
export const agentReleaseSchema = z
  .object({
    study: z.number().int().positive(),
    agent: agentName,
    /** The agent is going away (SIGTERM): the job does not wait for it to come back. */
    leaving: z.boolean().default(true),
    message: plainText(z.string().max(1000)).optional(),
  })
  .strict();
