/**
 * Replays a strategy against an lc-table/1 table, exactly as
 * docs/benchmarks/FORMAT.md prescribes: snapping, checkpointed
 * continuations, FTE cost, and the incumbent over every epoch paid for.
 */
import { rowValue, snapRow, type LcTable } from "../lib/objectives/lc-table";
import type { Job, Verdict } from "../lib/optimizer/types";

/** The part of a Strategy the replay drives. */
export type AskTell = {
  ask(options?: { allowNew?: boolean }): Job | null;
  tell(report: { trial: number; epoch: number; value: number }): Verdict;
};

/** One replayed run: `trace` holds [fte, incumbent] at every improvement and at the stop. */
export type ReplayResult = {
  trace: [number, number][];
  /** Epochs paid for. */
  epochs: number;
  /** Wall time spent inside ask and tell, in seconds. */
  seconds: number;
  /** Why the run ended: the budget was spent, or the strategy had no more work. */
  end: "budget" | "exhausted";
  trials: number;
};

/** A clock for the optimizer's own time; injected so that the replay itself stays deterministic to test. */
export type Clock = () => number;

/**
 * Runs one job at a time until `budgetFte` full-training equivalents are
 * spent: a new trial pays from epoch 0, a continuation from its last epoch,
 * and each epoch's value is read from the row its configuration snaps to.
 */
export function replay(table: LcTable, strategy: AskTell, budgetFte: number, clock: Clock = () => 0): ReplayResult {
  if (!(budgetFte > 0) || !Number.isFinite(budgetFte)) throw new RangeError(`budget must be a positive number of FTE, got ${budgetFte}`);
  const budgetEpochs = Math.floor(budgetFte * table.maxEpochs + 1e-9);
  const sign = table.direction === "minimize" ? 1 : -1;
  const rowOf: number[] = [];
  const epochOf: number[] = [];
  const trace: [number, number][] = [];
  let spent = 0;
  let incumbent = Infinity;
  let optimizerMs = 0;
  const fte = () => spent / table.maxEpochs;
  const timed = <T>(f: () => T): T => {
    const start = clock();
    const out = f();
    optimizerMs += clock() - start;
    return out;
  };
  let end: ReplayResult["end"] = "budget";
  run: while (spent < budgetEpochs) {
    const job = timed(() => strategy.ask());
    if (job === null) {
      end = "exhausted";
      break;
    }
    if (job.kind === "new") {
      rowOf[job.trial] = snapRow(table, job.params);
      epochOf[job.trial] = 0;
    } else if (rowOf[job.trial] === undefined) {
      throw new Error(`strategy asked to continue trial ${job.trial}, which never started`);
    }
    for (let epoch = epochOf[job.trial] + 1; epoch <= job.toEpoch; epoch++) {
      if (spent >= budgetEpochs) break run;
      spent++;
      epochOf[job.trial] = epoch;
      const value = rowValue(table, rowOf[job.trial], epoch);
      if (sign * value < incumbent) {
        incumbent = sign * value;
        trace.push([fte(), value]);
      }
      const verdict = timed(() => strategy.tell({ trial: job.trial, epoch, value }));
      if (verdict.decision !== "continue") break;
    }
  }
  if (trace.length > 0 && trace[trace.length - 1][0] !== fte()) trace.push([fte(), sign * incumbent]);
  return { trace, epochs: spent, seconds: optimizerMs / 1000, end, trials: rowOf.length };
}
