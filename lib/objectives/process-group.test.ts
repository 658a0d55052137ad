import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { groupAlive, reapOrphanGroups, signalGroup } from "./process-group";

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "hypersieve-groups-"));
const started: number[] = [];
afterAll(() => {
  for (const pgid of started) signalGroup(pgid, "SIGKILL");
  fs.rmSync(dir, { recursive: true, force: true });
});

/** A process leading its own group, as a command trial's program does, left alone as a dead server would leave it. */
function sleeper(): number {
  const child = spawn(process.execPath, ["-e", "setInterval(() => {}, 1000)"], { detached: true, stdio: "ignore" });
  child.unref();
  started.push(child.pid!);
  return child.pid!;
}

function startTime(pid: number): number {
  const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
  return Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[19]);
}

async function gone(pgid: number): Promise<void> {
  while (groupAlive(pgid)) await new Promise((r) => setTimeout(r, 20));
}

describe("orphan process groups", () => {
  it("kills the groups a ledger names when their leader is the recorded process", async () => {
    const pgid = sleeper();
    const ledger = path.join(dir, "a.groups");
    fs.writeFileSync(ledger, JSON.stringify([{ pgid, started: startTime(pgid) }]));
    expect(reapOrphanGroups(ledger)).toEqual([pgid]);
    await gone(pgid);
  });

  it("leaves alone a group whose leader started at another time (its id was reused)", () => {
    const pgid = sleeper();
    const ledger = path.join(dir, "b.groups");
    fs.writeFileSync(ledger, JSON.stringify([{ pgid, started: startTime(pgid) - 1 }]));
    expect(reapOrphanGroups(ledger)).toEqual([]);
    expect(groupAlive(pgid)).toBe(true);
  });

  it("ignores a missing or garbled ledger", () => {
    expect(reapOrphanGroups(path.join(dir, "none.groups"))).toEqual([]);
    fs.writeFileSync(path.join(dir, "c.groups"), '[null, 3, {"pgid": "1"}, {"pgid": 1}]');
    expect(reapOrphanGroups(path.join(dir, "c.groups"))).toEqual([]);
    fs.writeFileSync(path.join(dir, "d.groups"), "{not json");
    expect(reapOrphanGroups(path.join(dir, "d.groups"))).toEqual([]);
  });
});
