// Bundles the hypersieve command (lib/cli/entry.ts) into dist/hypersieve-cli.mjs, and the analysis thread's module
// (lib/workers/effects-worker.ts) into dist/effects-worker.mjs, so neither compiles TypeScript with tsx at every start;
// the npm packages they use go in too (one file read and compiled instead of hundreds of drizzle-orm, zod and yaml
// modules resolved one by one: about 0.1 s of CPU at every start), but for better-sqlite3, which is native. Beside each, a manifest (.json) lists the sources it was built
// from and when the build began: bin/hypersieve.mjs and lib/workers/effects-worker-entry.mjs use a bundle only while
// no source is newer (bundleIsCurrent), and bin/hypersieve.mjs rebuilds them otherwise.
// `node scripts/build-cli.mjs` (npm ci runs it as `prepare`; npm run build too).
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { bundle, root } from "./bundle.mjs";
import { bundleIsCurrent } from "./bundle-current.mjs";

const BUNDLES = [
  { entry: path.join("lib", "cli", "entry.ts"), name: "hypersieve-cli" },
  { entry: path.join("lib", "workers", "effects-worker.ts"), name: "effects-worker" },
];

export const CLI_BUNDLE = path.join(root, "dist", "hypersieve-cli.mjs");

/** Whether both bundles are current. */
export function cliBundleIsCurrent() {
  return BUNDLES.every(({ name }) => bundleIsCurrent(name));
}

/** node_modules/PKG/package.json for a file of the package PKG (scoped or nested too), else the path itself. */
function packageJsonOf(input) {
  const parts = input.split(path.sep);
  const at = parts.lastIndexOf("node_modules");
  if (at < 0 || at + 1 >= parts.length) return input;
  const name = parts[at + 1].startsWith("@") ? parts.slice(at + 1, at + 3) : [parts[at + 1]];
  return path.join(...parts.slice(0, at + 1), ...name, "package.json");
}

/** Builds the bundles and their manifests; each file is written whole, then renamed, so a concurrent run sees old or new. */
export async function buildCli({ quiet = false } = {}) {
  fs.mkdirSync(path.join(root, "dist"), { recursive: true });
  for (const { entry, name } of BUNDLES) {
    // Whole milliseconds, rounded down: a file saved within the same millisecond as the build began counts as newer.
    const startedMs = Math.floor(Date.now());
    const outfile = path.join(root, "dist", `${name}.mjs`);
    const temp = `${outfile}.${process.pid}.tmp`;
    const result = await bundle(entry, temp, {
      external: ["better-sqlite3"],
      metafile: true,
      logLevel: quiet ? "silent" : "warning",
      // A CommonJS package bundled into an ES module requires Node's own modules through this `require`.
      banner: {
        js: `// ${entry}, bundled by scripts/build-cli.mjs; used while no source is newer (dist/${name}.json).\nimport { createRequire as __hypersieveCreateRequire } from "node:module";\nconst require = __hypersieveCreateRequire(import.meta.url);`,
      },
    });
    // A package's files stand for themselves by its package.json, which every install writes: a few stats at each start, not hundreds.
    const inputs = [...new Set(Object.keys(result.metafile.inputs).map((input) => packageJsonOf(path.relative(root, path.resolve(input)))))];
    fs.renameSync(temp, outfile);
    const manifest = path.join(root, "dist", `${name}.json`);
    fs.writeFileSync(`${manifest}.${process.pid}.tmp`, JSON.stringify({ startedMs, inputs }));
    fs.renameSync(`${manifest}.${process.pid}.tmp`, manifest);
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  // npm ci runs this as `prepare`; an install without devDependencies has no esbuild, and the command then runs under tsx.
  if (process.argv.includes("--if-esbuild") && !(await import("esbuild").then(() => true, () => false))) {
    console.log("no esbuild (installed without devDependencies): the bundles in dist/ are not built");
    process.exit(0);
  }
  await buildCli();
  console.log(`built ${BUNDLES.map(({ name }) => `dist/${name}.mjs`).join(" and ")}`);
}
