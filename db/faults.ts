/**
 * Studies paused by a database fault (disk full, I/O error) that could not
 * even record their new status: the fault is held here, in memory, and every
 * read of a study shows it, so the dashboard and the API tell the truth while
 * the disk cannot.
 */
import "server-only";

const key = Symbol.for("hypersieve.study-faults");
const holder = globalThis as unknown as { [key]?: Map<number, string> };
const faults = (): Map<number, string> => (holder[key] ??= new Map());

/** Marks a study paused by a fault (reason) or clears it (null). */
export function setStudyFault(id: number, reason: string | null): void {
  if (reason === null) faults().delete(id);
  else faults().set(id, reason);
}

/** The fault that paused a study, or null. */
export function studyFault(id: number): string | null {
  return faults().get(id) ?? null;
}

/** A study row as its fault makes it: paused, with the fault as its error. */
export function withFault<T extends { id: number; status: string; error: string | null }>(row: T): T {
  const reason = faults().get(row.id);
  return reason === undefined ? row : { ...row, status: "paused", error: reason };
}
