/**
 * bin/hypersieve.mjs runs the bundle dist/hypersieve-cli.mjs (scripts/build-cli.mjs) only while it is current:
 * a source edited since the bundle's build makes the next start rebuild it (and the analysis thread's,
 * dist/effects-worker.mjs), so no one runs old code unawares.
 */
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";

const bundle = path.resolve("dist/hypersieve-cli.mjs");
const manifest = path.resolve("dist/hypersieve-cli.json");
const source = path.resolve("lib/cli/main.ts");

function help() {
  const run = spawnSync(process.execPath, [path.resolve("bin/hypersieve.mjs"), "--help"], { encoding: "utf8", timeout: 60_000 });
  expect(run.status, run.stderr).toBe(0);
  expect(run.stderr).toMatch(/^usage:/);
}

describe("the hypersieve command's bundle", () => {
  it("lists the sources it was built from and is rebuilt when one of them is newer", () => {
    help();
    const { inputs } = JSON.parse(fs.readFileSync(manifest, "utf8")) as { inputs: string[] };
    expect(inputs).toEqual(expect.arrayContaining(["lib/cli/entry.ts", "lib/cli/main.ts", "lib/engine/engine.ts"]));
    // The npm packages are in it (drizzle-orm, zod, yaml), each listed by its package.json, all but the native
    // better-sqlite3, which it imports.
    expect(inputs).toEqual(expect.arrayContaining(["node_modules/drizzle-orm/package.json", "node_modules/zod/package.json", "node_modules/yaml/package.json"]));
    expect(inputs.filter((input) => input.startsWith("node_modules/") && !input.endsWith("/package.json"))).toEqual([]);
    expect(inputs.some((input) => input.startsWith("node_modules/better-sqlite3/"))).toBe(false);
    expect(fs.readFileSync(bundle, "utf8")).toMatch(/from "better-sqlite3"/);

    // An edit, as far as the file's time says: the next start builds the bundle again before it runs.
    const now = new Date();
    fs.utimesSync(source, now, now);
    help();
    const { startedMs } = JSON.parse(fs.readFileSync(manifest, "utf8")) as { startedMs: number };
    expect(startedMs).toBeGreaterThanOrEqual(fs.statSync(source).mtimeMs);
    expect(fs.readFileSync(bundle, "utf8")).toContain("hypersieve run FILE");
    // The analysis thread's bundle is rebuilt with it.
    const worker = JSON.parse(fs.readFileSync(path.resolve("dist/effects-worker.json"), "utf8")) as { startedMs: number; inputs: string[] };
    expect(worker.inputs).toContain("lib/workers/effects-worker.ts");
    expect(worker.startedMs).toBeGreaterThanOrEqual(fs.statSync(source).mtimeMs);
  });
});
