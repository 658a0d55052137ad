/**
 * Programs of the persistent protocol that wait between their trial's jobs
 * (docs/command-protocol.md, "One process per trial"). A waiting program
 * holds memory (and on a GPU, a device context) but no CPU, so it is kept
 * only while it may be needed soon: it is ended after `keepAliveMs`, when
 * more than `maxWaiting` wait, or when the study lets go of its trials.
 * An ended program's trial resumes from its checkpoint in a new process,
 * as under the per-job protocol. Under the worker protocol a program whose
 * trial ended waits too, free, and any job may take the least promising.
 */
import "server-only";
import type { TrialProcess } from "./command-process";

/** A waiting program; `free` when its trial is over (worker protocol). */
type Waiting = { proc: TrialProcess; since: number; loss: number; free: boolean; timer: NodeJS.Timeout };

export class WaitingPrograms {
  private readonly programs = new Map<string, Waiting>();
  private freed = 0;
  /** Programs being ended, so that a release waits for those ended earlier too. */
  private readonly ending = new Set<Promise<void>>();

  constructor(
    private readonly keepAliveMs: number,
    private readonly maxWaiting: number,
    private readonly direction: "minimize" | "maximize",
  ) {}

  /** How many programs wait now. */
  get size(): number {
    return this.programs.size;
  }

  /** Keeps a program that waits for its trial's next job (key null: its trial is over); `lastValue` is what it reported last. */
  put(trialKey: string | null, proc: TrialProcess, lastValue: number): void {
    const key = trialKey ?? `free:${this.freed++}`;
    void this.drop(key);
    if (proc.isGone) return;
    const loss = Number.isNaN(lastValue) ? Infinity : this.direction === "minimize" ? lastValue : -lastValue;
    const timer = setTimeout(() => this.drop(key), this.keepAliveMs);
    timer.unref();
    this.programs.set(key, { proc, since: Date.now(), loss, free: trialKey === null, timer });
    // A program that ends on its own while it waits (it crashed, or does not speak the protocol) is forgotten.
    void proc.gone.then(() => {
      if (this.programs.get(key)?.proc === proc) this.forget(key);
    });
    while (this.programs.size > this.maxWaiting) void this.drop(this.leastPromising());
  }

  /** Hands out the waiting program least likely to be needed by its own trial (a free one first), for another trial's job. */
  takeAny(): TrialProcess | undefined {
    return this.programs.size === 0 ? undefined : this.take(this.leastPromising());
  }

  /** Hands out the program that waits for this trial, if any; the caller runs it or retires it. */
  take(key: string): TrialProcess | undefined {
    const w = this.programs.get(key);
    if (!w) return undefined;
    this.forget(key);
    return w.proc;
  }

  /** Ends the program of one trial (its key), or every waiting program; resolves once they (and, for all, those ended before) are gone. */
  async release(key?: string): Promise<void> {
    const keys = key === undefined ? [...this.programs.keys()] : [key];
    await Promise.all([...keys.map((k) => this.drop(k)), ...(key === undefined ? this.ending : [])]);
  }

  /**
   * The program least likely to be needed again: a free one, else the one at the lowest
   * epoch (a rung's promotions take its best few, so the many left at the
   * entry rung rarely go on), then the worst value there, then the oldest.
   */
  private leastPromising(): string {
    let victim: [string, Waiting] | null = null;
    for (const entry of this.programs) {
      const [, w] = entry;
      if (!victim) {
        victim = entry;
        continue;
      }
      const v = victim[1];
      const worse = Number(v.free) - Number(w.free) || w.proc.lastEpoch - v.proc.lastEpoch || v.loss - w.loss || w.since - v.since;
      if (worse < 0) victim = entry;
    }
    return victim![0];
  }

  private forget(key: string): Waiting | undefined {
    const w = this.programs.get(key);
    if (!w) return undefined;
    clearTimeout(w.timer);
    this.programs.delete(key);
    return w;
  }

  private drop(key: string): Promise<void> {
    const w = this.forget(key);
    if (!w) return Promise.resolve();
    const ending = w.proc.retire();
    this.ending.add(ending);
    const forget = () => void this.ending.delete(ending);
    ending.then(forget, forget);
    return ending;
  }
}
