/**
 * Process groups of the programs that command objectives start: each program
 * leads its own group (spawned detached), so one signal to the group reaches
 * every process it started — a data loader's workers, a shell's children.
 * An agent also gives each group a watchdog that ends it when the agent dies.
 * POSIX only.
 */
import "server-only";
import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import type { Socket } from "node:net";

const POLL_MS = 25;

/** How long to wait for a group to vanish after SIGKILL; only an unkillable (uninterruptible) process takes longer. */
const AFTER_KILL_MS = 2000;

const liveKey = Symbol.for("hypersieve.command-groups");
const ledgerKey = Symbol.for("hypersieve.command-groups-ledger");
const holder = globalThis as unknown as { [liveKey]?: Set<number>; [ledgerKey]?: string | null };

/** A group as the ledger records it: its id and its leader's start time (clock ticks since boot; null off Linux). */
type LedgerEntry = { pgid: number; started: number | null };

/** When process `pid` started, in clock ticks since boot (field 22 of /proc/PID/stat), or null when unknown. */
function startTimeOf(pid: number): number | null {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
    return Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[19]);
  } catch {
    return null;
  }
}

const startKey = Symbol.for("hypersieve.command-group-start-times");
/** The leaders' start times of the live groups; on globalThis for the same reason as the groups. */
const startTimes: Map<number, number | null> = ((globalThis as unknown as { [startKey]?: Map<number, number | null> })[startKey] ??= new Map());

/** Writes the live groups to the ledger file, if one is set, atomically (a crash leaves the old or the new list). */
function writeLedger(): void {
  const file = holder[ledgerKey];
  if (!file) return;
  const entries: LedgerEntry[] = [...liveGroups()].map((pgid) => ({ pgid, started: startTimes.get(pgid) ?? null }));
  try {
    fs.writeFileSync(`${file}.tmp`, JSON.stringify(entries));
    fs.renameSync(`${file}.tmp`, file);
  } catch (error) {
    console.error(`[hypersieve] could not record the running trials' process groups in ${file}:`, error);
  }
}

/**
 * Where this process records the groups it runs (a file beside the database), so
 * that the next owner of the database can stop those a dead server left running.
 */
export function setGroupLedger(file: string | null): void {
  holder[ledgerKey] = file;
  writeLedger();
}

/**
 * Kills (SIGKILL) the process groups a ledger names that still run: a server
 * killed with SIGKILL leaves its trials' programs behind, and their trials are
 * about to be marked interrupted and run again. A group counts as the one
 * recorded only while its leader is the same process (same start time) or
 * gone: Linux never hands out a pid that is still a group's id, so a group
 * without its leader is the recorded one. Returns the groups killed.
 */
export function reapOrphanGroups(file: string): number[] {
  let entries: LedgerEntry[];
  try {
    entries = JSON.parse(fs.readFileSync(file, "utf8")) as LedgerEntry[];
  } catch {
    return [];
  }
  if (!Array.isArray(entries)) return [];
  const orphans = entries.filter((entry) => {
    if (typeof entry !== "object" || entry === null) return false;
    const { pgid, started } = entry;
    if (!Number.isInteger(pgid) || pgid <= 1 || pgid === process.pid || liveGroups().has(pgid)) return false;
    const leaderStarted = startTimeOf(pgid);
    if (leaderStarted !== null && started !== null && leaderStarted !== started) return false;
    return groupAlive(pgid);
  });
  for (const { pgid } of orphans) signalGroup(pgid, "SIGKILL");
  return orphans.map((o) => o.pgid);
}

/** Sends a signal to every group this process runs (SIGTERM on shutdown, before the exit's SIGKILL). */
export function signalAllGroups(signal: NodeJS.Signals): void {
  for (const pgid of liveGroups()) signalGroup(pgid, signal);
}

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

/**
 * The watchdog of one group, run by `node -e` in its own group: it reads its stdin, a pipe whose other
 * end only this process holds. A byte means "let go" (the job ended here); end of file means this
 * process died — even by SIGKILL, since the kernel closes its pipes — and the watchdog ends the group:
 * SIGTERM, then SIGKILL after the grace period. It ignores SIGTERM, SIGINT and SIGHUP (a scheduler
 * that signals every process must not take it out before its parent), and exits once the group is gone.
 */
const WATCHDOG = `
const [pgid, grace] = process.argv.slice(1).map(Number);
for (const s of ["SIGTERM", "SIGINT", "SIGHUP"]) process.on(s, () => {});
const alive = () => { try { process.kill(-pgid, 0); return true; } catch (e) { return e.code === "EPERM"; } };
const signal = (s) => { try { process.kill(-pgid, s); } catch {} };
let ending = false;
const end = () => {
  if (ending) return;
  ending = true;
  if (!alive()) process.exit(0);
  signal("SIGTERM");
  const until = Date.now() + grace;
  setInterval(() => {
    if (!alive()) process.exit(0);
    if (Date.now() > until) { signal("SIGKILL"); process.exit(0); }
  }, 50);
};
process.stdin.on("data", () => { if (!ending) process.exit(0); });
process.stdin.on("end", end);
process.stdin.on("error", end);
setInterval(() => { if (!ending && !alive()) process.exit(0); }, 1000);
`;

const watchKey = Symbol.for("hypersieve.command-group-watchdogs");
const watch = globalThis as unknown as { [watchKey]?: { graceMs: number; dogs: Map<number, ChildProcess> } };

/**
 * From now on, every group this process starts gets a watchdog that ends it when this process dies,
 * however it dies (the agent: a node killed with SIGKILL must not leave training programs behind).
 * Costs one small Node process per running group.
 */
export function watchGroupsOnParentDeath(graceMs: number): void {
  watch[watchKey] ??= { graceMs, dogs: new Map() };
  watch[watchKey].graceMs = graceMs;
}

function startWatchdog(pgid: number): void {
  const config = watch[watchKey];
  if (!config) return;
  try {
    const dog = spawn(process.execPath, ["-e", WATCHDOG, String(pgid), String(config.graceMs)], { detached: true, stdio: ["pipe", "ignore", "ignore"], env: {} as NodeJS.ProcessEnv });
    dog.on("error", (error) => console.error(`[hypersieve] the watchdog of process group ${pgid} failed:`, error));
    dog.stdin!.on("error", () => undefined);
    // Neither the watchdog nor its pipe keeps this process alive.
    dog.unref();
    (dog.stdin as unknown as Socket).unref?.();
    config.dogs.set(pgid, dog);
  } catch (error) {
    console.error(`[hypersieve] could not start a watchdog for process group ${pgid}:`, error);
  }
}

function stopWatchdog(pgid: number): void {
  const dog = watch[watchKey]?.dogs.get(pgid);
  if (!dog) return;
  watch[watchKey]!.dogs.delete(pgid);
  dog.stdin!.end("x");
}

/** The pid of the watchdog of a group, if it has one (tests). */
export function watchdogOf(pgid: number): number | undefined {
  return watch[watchKey]?.dogs.get(pgid)?.pid;
}

/** Notes a group to kill if this server exits before the group is gone. */
export function trackGroup(pgid: number): void {
  liveGroups().add(pgid);
  startTimes.set(pgid, startTimeOf(pgid));
  startWatchdog(pgid);
  writeLedger();
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
  // The leader still running in its group says so at the cost of one read; scanning all of /proc (hundreds of reads,
  // every 25 ms while a group is being ended) is left for a group whose leader is gone or a zombie.
  if (runsIn(pgid, pgid)) return true;
  let entries: string[];
  try {
    entries = fs.readdirSync("/proc");
  } catch {
    return true;
  }
  return entries.some((entry) => /^\d+$/.test(entry) && runsIn(Number(entry), pgid));
}

/** Process `pid`'s state letter and group, from /proc/PID/stat; null when it is gone. */
function statOf(pid: number): { state: string; pgrp: number } | null {
  let stat: string;
  try {
    stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
  } catch {
    return null;
  }
  // "pid (comm) state ppid pgrp ...": comm may hold spaces and parentheses, so read after the last ")".
  const [state, , pgrp] = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return { state, pgrp: Number(pgrp) };
}

const running = (s: { state: string } | null) => s !== null && s.state !== "Z" && s.state !== "X";

/** Whether process `pid` runs: it exists and is no zombie (a killed process that an init which does not reap leaves behind). */
export function processRuns(pid: number): boolean {
  return running(statOf(pid));
}

/** Whether process `pid` runs in group `pgid` (one read of its stat). */
function runsIn(pid: number, pgid: number): boolean {
  const s = statOf(pid);
  return running(s) && s!.pgrp === pgid;
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
  forget(pgid);
}

function forget(pgid: number): void {
  if (!liveGroups().delete(pgid)) return;
  stopWatchdog(pgid);
  startTimes.delete(pgid);
  writeLedger();
}

/** Forgets a group that is gone on its own. */
export function untrackGroup(pgid: number): void {
  forget(pgid);
}
