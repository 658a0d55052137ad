import { bestUpTo } from "@/db/dashboard";
import { getStudyRecord } from "@/db/queries";
import { handle } from "@/lib/api/http";
import { existingStudyId } from "@/lib/api/route-params";
import type { RaceResponse } from "@/lib/api/schemas";
import { spearman } from "@/lib/optimizer/analysis/stats";
import { parseStrategyName } from "@/lib/optimizer/registry";
import { rungEpochs } from "@/lib/optimizer/schedulers/asha";
import { chooseEntryRung } from "@/lib/optimizer/schedulers/race";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

/** The race: rung epochs, how well each rung's ranks predict the next rung's, and where new trials enter. */
export function GET(_request: Request, context: { params: Promise<{ id: string }> }) {
  return handle(async () => {
    const id = await existingStudyId(context);
    const study = getStudyRecord(id)!;
    const parsed = parseStrategyName(study.strategy);
    const scheduler = "scheduler" in parsed ? parsed.scheduler : "fifo";
    const rungs = scheduler === "fifo" ? [study.maxEpochs] : rungEpochs(1, 3, study.maxEpochs);
    const best = rungs.map((e) => bestUpTo(id, e));
    const agreement = rungs.slice(0, -1).map((epoch, k) => {
      const late = best[k + 1];
      const numbers = [...late.keys()].filter((n) => best[k].has(n));
      const rho = numbers.length >= 3 ? spearman(numbers.map((n) => best[k].get(n)!), numbers.map((n) => late.get(n)!)) : null;
      return { rung: k, epoch, nextEpoch: rungs[k + 1], rho, pairs: numbers.length };
    });
    const entryRung = scheduler === "race" ? chooseEntryRung((k) => ({ rho: agreement[k].rho ?? NaN, pairs: agreement[k].pairs }), rungs.length) : 0;
    const body: RaceResponse = { rungs, agreement, entryRung };
    return Response.json(body);
  });
}
