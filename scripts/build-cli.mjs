// Bundles the hypersieve command (lib/cli/entry.ts) into dist/hypersieve-cli.mjs, so a run starts without tsx
// compiling the sources; npm packages stay outside (better-sqlite3 is native). Beside it, dist/hypersieve-cli.json
// lists the sources it was built from and when the build began: bin/hypersieve.mjs runs the bundle only while
// no source is newer (cliBundleIsCurrent), and rebuilds it otherwise.
// `node scripts/build-cli.mjs` (npm ci runs it as `prepare`; npm run build too).
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { bundle, root } from "./bundle.mjs";

export const CLI_BUNDLE = path.join(root, "dist", "hypersieve-cli.mjs");
const MANIFEST = path.join(root, "dist", "hypersieve-cli.json");

/**
 * Whether the bundle exists and every source it was built from is unchanged since its build began: a stat per
 * source (about 200 files, a few milliseconds). A source edited, deleted or added to an import makes it stale.
 */
export function cliBundleIsCurrent() {
  try {
    const { startedMs, inputs } = JSON.parse(fs.readFileSync(MANIFEST, "utf8"));
    if (!fs.existsSync(CLI_BUNDLE)) return false;
    return inputs.every((input) => fs.statSync(path.join(root, input)).mtimeMs < startedMs);
  } catch {
    return false;
  }
}

/** Builds the bundle and its manifest; each file is written whole, then renamed, so a concurrent run sees old or new. */
export async function buildCli({ quiet = false } = {}) {
  // Whole milliseconds, rounded down: a file saved within the same millisecond as the build began counts as newer.
  const startedMs = Math.floor(Date.now());
  const temp = `${CLI_BUNDLE}.${process.pid}.tmp`;
  fs.mkdirSync(path.dirname(CLI_BUNDLE), { recursive: true });
  const result = await bundle(path.join("lib", "cli", "entry.ts"), temp, {
    packages: "external",
    metafile: true,
    logLevel: quiet ? "silent" : "warning",
    banner: { js: "// The hypersieve command, bundled by scripts/build-cli.mjs from lib/; bin/hypersieve.mjs runs it." },
  });
  const inputs = Object.keys(result.metafile.inputs).map((input) => path.relative(root, path.resolve(input)));
  fs.renameSync(temp, CLI_BUNDLE);
  fs.writeFileSync(`${MANIFEST}.${process.pid}.tmp`, JSON.stringify({ startedMs, inputs }));
  fs.renameSync(`${MANIFEST}.${process.pid}.tmp`, MANIFEST);
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  // npm ci runs this as `prepare`; an install without devDependencies has no esbuild, and the command then runs under tsx.
  if (process.argv.includes("--if-esbuild") && !(await import("esbuild").then(() => true, () => false))) {
    console.log("no esbuild (installed without devDependencies): dist/hypersieve-cli.mjs not built");
    process.exit(0);
  }
  await buildCli();
  console.log(`built ${path.relative(process.cwd(), CLI_BUNDLE) || CLI_BUNDLE}`);
}
