/**
 * The order in which one study's writes reach the database, kept through
 * faults. Each write is an operation that writes first and then updates the
 * study's memory (strategy, counters), so a write that failed changed
 * nothing and can run again. When the database is locked by another process
 * (SQLITE_BUSY), the lane holds the write and every later one and retries on
 * a timer: the event loop never waits on the lock, and the strategy sees the
 * events in the order the log stores them. When the disk is full or fails
 * (SQLITE_FULL, SQLITE_IOERR), the lane stops retrying and reports a fault;
 * resume() tries again.
 */
import "server-only";
import { HttpError, RETRY_AFTER_S } from "../api/http";

/** What a database error means for a write: wait and retry (busy), stop until a person resumes (broken), or neither. */
export function dbFaultOf(error: unknown): "busy" | "broken" | null {
  const code = typeof error === "object" && error !== null ? String((error as { code?: unknown }).code ?? "") : "";
  if (code.startsWith("SQLITE_BUSY") || code.startsWith("SQLITE_LOCKED")) return "busy";
  if (code.startsWith("SQLITE_FULL") || code.startsWith("SQLITE_IOERR") || code.startsWith("SQLITE_READONLY") || code.startsWith("SQLITE_CANTOPEN")) return "broken";
  return null;
}

/** The answer to a write that cannot be made now: a 503 with Retry-After, so the caller keeps its work and tries again. */
export function stalledError(reason: string): HttpError {
  return new HttpError(503, `the study cannot record this now (${reason}); keep the result and retry in ${RETRY_AFTER_S} s`);
}

type Held = { op: () => unknown; after?: (value: unknown) => void; resolve: (value: unknown) => void; reject: (error: unknown) => void };

const FIRST_RETRY_MS = 20;
const LAST_RETRY_MS = 500;

export class WriteLane {
  private readonly held: Held[] = [];
  private timer: NodeJS.Timeout | null = null;
  private retryMs = FIRST_RETRY_MS;
  private closed = false;
  /** Why writes are stopped until resume(): the disk or the file failed. */
  fault: string | null = null;

  constructor(private readonly hooks: { drained(): void; broke(reason: string): void }) {}

  /** Whether writes are held (waiting out a lock, or stopped by a fault). */
  get stalled(): boolean {
    return this.held.length > 0 || this.fault !== null;
  }

  /**
   * Runs a write now when nothing is held, or holds it behind the others; resolves with its value once it
   * ran. `after` runs synchronously right after the write succeeds, before any later write (what a write
   * starts, such as a trial, must exist before the next one is judged).
   */
  run<T>(op: () => T, after?: (value: T) => void): T | Promise<T> {
    if (!this.stalled) {
      let value: T;
      try {
        value = op();
      } catch (error) {
        if (!this.noteFault(error)) throw error;
        return this.hold(op, after);
      }
      after?.(value);
      return value;
    }
    return this.hold(op, after);
  }

  private hold<T>(op: () => T, after?: (value: T) => void): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.held.push({ op, after: after as ((v: unknown) => void) | undefined, resolve: resolve as (v: unknown) => void, reject });
      this.schedule();
    });
  }

  /** Runs a write now or throws a 503 (never holds it): for callers that retry on their own, such as agents. */
  runNow<T>(op: () => T): T {
    if (this.stalled) throw stalledError(this.fault ?? "the database is locked by another process");
    try {
      return op();
    } catch (error) {
      const kind = this.noteFault(error);
      if (!kind) throw error;
      throw stalledError(this.fault ?? "the database is locked by another process");
    }
  }

  /** Clears a fault and tries the held writes again at once; true when none is left. */
  resume(): boolean {
    this.fault = null;
    this.retryMs = FIRST_RETRY_MS;
    this.drain();
    return !this.stalled;
  }

  /** Drops every held write (the study is let go of without writing again). */
  close(): void {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.held.length = 0;
  }

  /** Records what a failed write means; returns its kind, or null when it is no database fault. */
  private noteFault(error: unknown): "busy" | "broken" | null {
    const kind = dbFaultOf(error);
    if (kind === "broken" && this.fault === null) {
      const code = (error as { code?: string }).code;
      this.fault = `the database could not be written: ${code}: ${error instanceof Error ? error.message : String(error)}`;
      this.hooks.broke(this.fault);
    }
    return kind;
  }

  private schedule(): void {
    if (this.timer || this.fault !== null || this.closed) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      this.drain();
    }, this.retryMs);
    this.timer.unref?.();
    this.retryMs = Math.min(this.retryMs * 2, LAST_RETRY_MS);
  }

  private drain(): void {
    if (this.fault !== null || this.closed) return;
    while (this.held.length > 0) {
      const next = this.held[0];
      let value: unknown;
      try {
        value = next.op();
      } catch (error) {
        if (this.noteFault(error)) return this.schedule();
        this.held.shift();
        next.reject(error);
        continue;
      }
      this.held.shift();
      next.after?.(value);
      next.resolve(value);
    }
    this.retryMs = FIRST_RETRY_MS;
    this.hooks.drained();
  }
}
