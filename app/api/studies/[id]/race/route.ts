import { raceStateKey, raceTrials } from "@/db/dashboard";
import { getStudyRecord } from "@/db/queries";
import { handle, methodNotAllowed } from "@/lib/api/http";
import { existingStudyId } from "@/lib/api/route-params";
import type { RaceResponse } from "@/lib/api/schemas";
import { getEngine } from "@/lib/engine/engine";
import { parseStrategyName } from "@/lib/optimizer/registry";
import { raceScheduler } from "@/lib/optimizer/schedulers/race";
import type { Space } from "@/lib/optimizer/space";

export const runtime = "nodejs";

/**
 * Stored decisions by study and state: judging 10,000 finished trials takes
 * seconds (every kept trial against every dropped one, per rung), and a
 * finished study's answer never changes. The key changes with any report,
 * new trial or change of status.
 */
const stored = new Map<number, { key: string; body: RaceResponse }>();
export const dynamic = "force-dynamic";

/**
 * The race: rung epochs, how each rung's ranks compare with the end, and where new trials enter and why.
 * A race this process has loaded answers with its live decision (which knows the sampler's full-space trials);
 * otherwise the same check runs over the stored curves, every trial counted as evidence.
 */
export function GET(_request: Request, context: { params: Promise<{ id: string }> }) {
  return handle(async () => {
    const id = await existingStudyId(context);
    const live = getEngine().loaded(id)?.raceDecision();
    if (live) return Response.json(live satisfies RaceResponse);
    const study = getStudyRecord(id)!;
    const key = raceStateKey(id);
    const memo = stored.get(id);
    if (memo?.key === key) return Response.json(memo.body);
    const parsed = parseStrategyName(study.strategy);
    const scheduler = "scheduler" in parsed ? parsed.scheduler : "fifo";
    if (scheduler === "fifo") {
      return Response.json({ rungs: [study.maxEpochs], checks: [], entryRung: 0, reason: "fifo trains every trial to the end: there is no rung to check" } satisfies RaceResponse);
    }
    // The race's default ladder and evidence rule; ASHA and Hyperband share the ladder.
    const judge = raceScheduler();
    const decision = judge.decision({ space: study.space as Space, maxEpochs: study.maxEpochs, trials: raceTrials(id, judge.rungs(study.maxEpochs)) });
    const body: RaceResponse =
      scheduler === "race"
        ? { ...decision, reason: `${decision.reason} (from the stored curves: this study is not loaded, so every trial counts as evidence)` }
        : { ...decision, entryRung: 0, reason: `${scheduler} starts every new trial at the lowest rung of its brackets; the checks show whether that would mislead` };
    stored.set(id, { key, body });
    return Response.json(body);
  });
}

const notAllowed = methodNotAllowed("GET");
export { notAllowed as POST, notAllowed as PUT, notAllowed as PATCH, notAllowed as DELETE };
