import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { openApiDocument } from "./openapi";

/** Every route file under app/api, as an OpenAPI path. */
function routePaths(dir = path.join(__dirname, "..", "..", "app", "api"), prefix = "/api"): string[] {
  const out: string[] = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    if (!entry.isDirectory() || entry.name.startsWith("[...")) continue;
    const segment = entry.name.replace(/^\[(\w+)\]$/, "{$1}");
    const sub = path.join(dir, entry.name);
    if (fs.existsSync(path.join(sub, "route.ts"))) out.push(`${prefix}/${segment}`);
    out.push(...routePaths(sub, `${prefix}/${segment}`));
  }
  return out;
}

describe("OpenAPI description", () => {
  it("describes every route of the app, and only those", () => {
    const documented = Object.keys(openApiDocument().paths as object).sort();
    expect(documented).toEqual(routePaths().filter((p) => p !== "/api/openapi.json").sort());
  });

  it("carries the request schemas the routes validate with", () => {
    type Schema = { properties?: Record<string, unknown>; oneOf?: Schema[] };
    const paths = openApiDocument().paths as Record<string, Record<string, { requestBody?: { content: Record<string, { schema: Schema }> } }>>;
    const [create, file] = paths["/api/studies"].post.requestBody!.content["application/json"].schema.oneOf!;
    expect(Object.keys(file.properties ?? {})).toEqual(["studyFile", "dryRun"]);
    expect(Object.keys(create.properties ?? {})).toEqual(expect.arrayContaining(["name", "objective", "budget", "strategy", "space", "warmStart", "schedules", "scheduleDecay"]));
    expect(create.properties!.warmStart).toEqual({ type: "boolean" });
  });
});
