/** Keeps the dependency direction of DESIGN.md: the optimizer core imports nothing of the app, the browser no server code. */
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";

const root = path.resolve(__dirname, "..");

function sourceFiles(dir: string): string[] {
  const full = path.join(root, dir);
  if (!fs.existsSync(full)) return [];
  return fs.readdirSync(full, { recursive: true, encoding: "utf8" })
    .filter((f) => /\.(ts|tsx)$/.test(f) && !/\.test\.tsx?$/.test(f))
    .map((f) => path.join(full, f));
}

function importsOf(file: string): string[] {
  const text = fs.readFileSync(file, "utf8");
  return [...text.matchAll(/(?:import|export)[^"']*?from\s*["']([^"']+)["']|import\(\s*["']([^"']+)["']\s*\)/g)].map((m) => m[1] ?? m[2]);
}

describe("layering", () => {
  it("keeps lib/optimizer free of I/O, frameworks and the rest of the project", () => {
    const offenders: string[] = [];
    for (const file of sourceFiles("lib/optimizer")) {
      for (const spec of importsOf(file)) {
        const outside = spec.startsWith(".") && !path.resolve(path.dirname(file), spec).startsWith(path.join(root, "lib/optimizer"));
        if (!spec.startsWith(".") || outside) offenders.push(`${path.relative(root, file)} imports ${spec}`);
      }
      const text = fs.readFileSync(file, "utf8").replace(/\/\*[\s\S]*?\*\/|\/\/.*$/gm, "");
      if (/Math\.random|Date\.now|new Date\(|performance\.now/.test(text)) offenders.push(`${path.relative(root, file)} reads the clock or Math.random`);
    }
    expect(offenders).toEqual([]);
  });

  it("keeps components free of server modules", () => {
    const offenders: string[] = [];
    for (const file of [...sourceFiles("components"), ...sourceFiles("lib/client")]) {
      for (const spec of importsOf(file)) {
        if (/(^|\/)(db|lib\/engine|lib\/objectives)(\/|$)|^node:|better-sqlite3|drizzle/.test(spec)) offenders.push(`${path.relative(root, file)} imports ${spec}`);
      }
    }
    expect(offenders).toEqual([]);
  });
});
