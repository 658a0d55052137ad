/**
 * A budget per turn of the event loop for the engine's own work. Sixteen
 * trials that report in one turn and the asks that refill the pool cost a
 * few milliseconds each at 10,000 trials; done all at once they hold the
 * loop for 50–100 ms. Work past the budget waits for the next turn instead,
 * so requests are served in between. The budget is the process's: every
 * study shares one event loop.
 */
import "server-only";

/** Milliseconds of engine work one turn of the event loop takes before the rest waits for the next. */
export const TURN_BUDGET_MS = 8;

let sliceStart = -1;

/**
 * Whether this turn's budget is spent. The first call of a turn opens it (and
 * answers no): a turn always makes progress.
 */
export function turnSpent(): boolean {
  const now = performance.now();
  if (sliceStart < 0) {
    sliceStart = now;
    setImmediate(() => {
      sliceStart = -1;
    });
    return false;
  }
  return now - sliceStart > TURN_BUDGET_MS;
}

/** Resolves on the next turn of the event loop. */
export const nextTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));
