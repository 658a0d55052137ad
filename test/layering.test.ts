/** Keeps the dependency direction of DESIGN.md: the optimizer core imports nothing of the app, the browser no server code. */
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";

const root = path.resolve(__dirname, "..");

function sourceFiles(dir: string): string[] {
  const full = path.join(root, dir);
  if (!fs.existsSync(full)) return [];
  return fs.readdirSync(full, { recursive: true, encoding: "utf8" })
    .filter((f) => /\.(ts|tsx)$/.test(f) && !/\.test(-helper)?\.tsx?$/.test(f))
    .map((f) => path.join(full, f));
}

const withoutComments = (text: string) => text.replace(/\/\*[\s\S]*?\*\/|\/\/.*$/gm, "");

/** Every module specifier a file imports, re-exports or loads dynamically; `import type` only when asked. */
function importsOf(file: string, { types = true } = {}): string[] {
  const text = withoutComments(fs.readFileSync(file, "utf8"));
  const specs: string[] = [];
  for (const m of text.matchAll(/(?:import|export)(\s+type\b)?[^"';]*?from\s*["']([^"']+)["']|import\(\s*["']([^"']+)["']\s*\)|^import\s+["']([^"']+)["']/gm)) {
    if (m[1] && !types) continue;
    specs.push(m[2] ?? m[3] ?? m[4]);
  }
  return specs;
}

/** The project file a specifier names (relative or "@/"), or null for a package. */
function resolveLocal(from: string, spec: string): string | null {
  const base = spec.startsWith("@/") ? path.join(root, spec.slice(2)) : spec.startsWith(".") ? path.resolve(path.dirname(from), spec) : null;
  if (!base) return null;
  for (const candidate of [base, `${base}.ts`, `${base}.tsx`, path.join(base, "index.ts"), path.join(base, "index.tsx")]) {
    if (fs.existsSync(candidate) && fs.statSync(candidate).isFile()) return candidate;
  }
  return null;
}

const rel = (file: string) => path.relative(root, file);
const saysServerOnly = (file: string) => /^import\s+["']server-only["'];?$/m.test(fs.readFileSync(file, "utf8"));

/** The chain of runtime imports from `file` to a module that says `import "server-only"`, or null. */
function pathToServerModule(file: string, seen = new Set<string>()): string[] | null {
  if (seen.has(file)) return null;
  seen.add(file);
  if (saysServerOnly(file)) return [rel(file)];
  for (const spec of importsOf(file, { types: false })) {
    const target = resolveLocal(file, spec);
    const chain = target && pathToServerModule(target, seen);
    if (chain) return [rel(file), ...chain];
  }
  return null;
}

/** Files under `dir` that import, directly, a project module under one of `forbidden` (type imports included). */
function importsInto(dir: string, forbidden: readonly string[], allowed: ReadonlySet<string> = new Set()): string[] {
  const offenders: string[] = [];
  for (const file of sourceFiles(dir)) {
    for (const spec of importsOf(file)) {
      const target = resolveLocal(file, spec);
      if (!target) continue;
      const edge = `${rel(file)} -> ${rel(target)}`;
      if (forbidden.some((f) => rel(target).startsWith(`${f}/`)) && !allowed.has(edge)) offenders.push(edge);
    }
  }
  return offenders;
}

describe("layering", () => {
  it("keeps lib/optimizer free of I/O, frameworks and the rest of the project", () => {
    const offenders: string[] = [];
    for (const file of sourceFiles("lib/optimizer")) {
      for (const spec of importsOf(file)) {
        const outside = spec.startsWith(".") && !path.resolve(path.dirname(file), spec).startsWith(path.join(root, "lib/optimizer"));
        if (!spec.startsWith(".") || outside) offenders.push(`${rel(file)} imports ${spec}`);
      }
      const text = withoutComments(fs.readFileSync(file, "utf8"));
      if (/Math\.random|Date\.now|new Date\(|performance\.now/.test(text)) offenders.push(`${rel(file)} reads the clock or Math.random`);
    }
    expect(offenders).toEqual([]);
  });

  it("keeps components free of server modules", () => {
    const offenders: string[] = [];
    for (const file of [...sourceFiles("components"), ...sourceFiles("lib/client")]) {
      for (const spec of importsOf(file)) {
        if (/(^|\/)(db|lib\/engine|lib\/objectives)(\/|$)|^node:|better-sqlite3|drizzle|^server-only$/.test(spec)) offenders.push(`${rel(file)} imports ${spec}`);
      }
      // Indirectly, too: through lib/api or any other shared module, at run time.
      const chain = pathToServerModule(file);
      if (chain) offenders.push(chain.join(" -> "));
    }
    expect(offenders).toEqual([]);
  });

  it("keeps the MLP worker thread's modules free of server-only, which it loads without the react-server condition", () => {
    expect(pathToServerModule(path.join(root, "lib/objectives/mlp/worker.ts"))).toBeNull();
  });

  it("keeps db below the engine and the objectives", () => {
    // Known debt: study summaries carry the objective's title, which only the objective registry knows, and
    // summaries, trial pages and exports name the best checkpoint, which only the checkpoint naming rules find.
    const allowed = new Set(["db/queries.ts -> lib/objectives/registry.ts", "db/queries.ts -> lib/objectives/checkpoint-cleanup.ts", "db/dashboard.ts -> lib/objectives/checkpoint-cleanup.ts"]);
    expect(importsInto("db", ["lib/engine", "lib/objectives"], allowed)).toEqual([]);
  });

  it.each([
    ["db", ["schema.ts"]],
    ["lib/engine", []],
  ] as const)("marks every module of %s server-only", (dir, exempt) => {
    // db/schema.ts is plain table declarations that drizzle-kit loads outside any react-server condition.
    const unmarked = sourceFiles(dir).filter((f) => !exempt.includes(path.basename(f) as never) && !saysServerOnly(f)).map(rel);
    expect(unmarked).toEqual([]);
  });

  it("marks every module that touches the database, the engine, processes or worker threads server-only, except the MLP worker's own modules", () => {
    // The MLP worker thread loads its sources through tsx without the react-server condition (even under Next),
    // so the modules it runs (dataset, checkpoint, trainer…) must stay unmarked; they read files but start nothing.
    const workerSide = new Set(["lib/objectives/mlp/worker.ts", "lib/objectives/mlp/dataset.ts", "lib/objectives/mlp/checkpoint.ts"]);
    const unmarked: string[] = [];
    for (const file of [...sourceFiles("lib/objectives"), ...sourceFiles("lib/api")]) {
      const runtime = importsOf(file, { types: false });
      const touches = runtime.some((spec) => /^node:(child_process|worker_threads)$/.test(spec) || /(^|\/)(db|engine)\//.test(spec) || (/^node:fs$/.test(spec) && !workerSide.has(rel(file))));
      if (touches && !saysServerOnly(file)) unmarked.push(rel(file));
    }
    expect(unmarked).toEqual([]);
  });
});
