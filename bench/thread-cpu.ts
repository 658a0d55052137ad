/**
 * CPU time of the calling thread, in milliseconds, from Linux's
 * /proc/thread-self/schedstat (nanoseconds on the CPU); null elsewhere. On a
 * machine shared with other work a stall measured by the clock includes the
 * time the thread waited for a core; its CPU time is what the thread itself
 * spent.
 */
import fs from "node:fs";

const available = (() => {
  try {
    fs.readFileSync("/proc/thread-self/schedstat", "utf8");
    return true;
  } catch {
    return false;
  }
})();

/** Milliseconds this thread has spent on a CPU so far, or null where the kernel does not say. */
export function threadCpuMs(): number | null {
  if (!available) return null;
  return Number(fs.readFileSync("/proc/thread-self/schedstat", "utf8").split(" ")[0]) / 1e6;
}
