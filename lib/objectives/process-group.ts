/**
 * Process groups of the programs that command objectives start: each program
 * leads its own group (spawned detached), so one signal to the group reaches
 * every process it started — a data loader's workers, a shell's children.
 * POSIX only.
 */
import "server-only";
import fs from "node:fs";

const POLL_MS = 25;

/** How long to wait for a group to vanish after SIGKILL; only an unkillable (uninterruptible) process takes longer. */
const AFTER_KILL_MS = 2000;

const liveKey = Symbol.for("hypersieve.command-groups");
const holder = globalThis as unknown as { [liveKey]?: Set<number> };

/** The groups started and not yet known to be gone; on globalThis, because Next's dev server may load this module twice. */
function liveGroups(): Set<number> {
  let groups = holder[liveKey];
  if (!groups) {
    groups = new Set();
    holder[liveKey] = groups;
    // A server that exits while trials run must not leave their programs behind.
    process.once("exit", () => {
      for (const pgid of groups!) signalGroup(pgid, "SIGKILL");
    });
  }
  return groups;
}

/** Notes a group to kill if this server exits before the group is gone. */
export function trackGroup(pgid: number): void {
  liveGroups().add(pgid);
}

/** Sends a signal to every process of a group; a group that is already gone is fine. */
export function signalGroup(pgid: number, signal: NodeJS.Signals | 0): void {
  try {
    process.kill(-pgid, signal);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ESRCH") throw error;
  }
}

/**
 * Whether a group has a process that still runs. A zombie does not count: in
 * a container whose init does not reap orphans, a killed grandchild stays a
 * zombie for good, and kill(-pgid, 0) still finds it.
 */
export function groupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
  let entries: string[];
  try {
    entries = fs.readdirSync("/proc");
  } catch {
    return true;
  }
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue;
    let stat: string;
    try {
      stat = fs.readFileSync(`/proc/${entry}/stat`, "utf8");
    } catch {
      continue;
    }
    // "pid (comm) state ppid pgrp ...": comm may hold spaces and parentheses, so read after the last ")".
    const [state, , pgrp] = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    if (Number(pgrp) === pgid && state !== "Z" && state !== "X") return true;
  }
  return false;
}

async function waitGone(pgid: number, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (groupAlive(pgid)) {
    if (Date.now() >= deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
  return true;
}

/**
 * Ends a group: SIGTERM to all of it, then SIGKILL to whatever is left after
 * `graceMs`. Resolves once no process of the group runs (or, for a process
 * that even SIGKILL cannot end at once, a short while later).
 */
export async function terminateGroup(pgid: number, graceMs: number): Promise<void> {
  signalGroup(pgid, "SIGTERM");
  if (!(await waitGone(pgid, graceMs))) {
    signalGroup(pgid, "SIGKILL");
    await waitGone(pgid, AFTER_KILL_MS);
  }
  liveGroups().delete(pgid);
}

/** Forgets a group that is gone on its own. */
export function untrackGroup(pgid: number): void {
  liveGroups().delete(pgid);
}
