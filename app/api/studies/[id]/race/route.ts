import { raceTrials } from "@/db/dashboard";
import { getStudyRecord } from "@/db/queries";
import { handle, methodNotAllowed } from "@/lib/api/http";
import { existingStudyId } from "@/lib/api/route-params";
import type { RaceResponse } from "@/lib/api/schemas";
import { parseStrategyName } from "@/lib/optimizer/registry";
import { rungEpochs } from "@/lib/optimizer/schedulers/asha";
import { raceDecision } from "@/lib/optimizer/schedulers/race";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

/** The race: rung epochs, how each rung's ranks compare with the end, and where new trials enter and why. */
export function GET(_request: Request, context: { params: Promise<{ id: string }> }) {
  return handle(async () => {
    const id = await existingStudyId(context);
    const study = getStudyRecord(id)!;
    const parsed = parseStrategyName(study.strategy);
    const scheduler = "scheduler" in parsed ? parsed.scheduler : "fifo";
    const rungs = scheduler === "fifo" ? [study.maxEpochs] : rungEpochs(1, 3, study.maxEpochs);
    const decision = raceDecision(raceTrials(id), rungs, 3, 3);
    const body: RaceResponse =
      scheduler === "race"
        ? decision
        : { ...decision, entryRung: 0, reason: `${scheduler} starts every new trial at ${scheduler === "fifo" ? "epoch 1 and trains it to the end" : "the lowest rung of its brackets"}; the checks show whether that would mislead` };
    return Response.json(body);
  });
}

const notAllowed = methodNotAllowed("GET");
export { notAllowed as POST, notAllowed as PUT, notAllowed as PATCH, notAllowed as DELETE };
