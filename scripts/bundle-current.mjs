// Whether a bundle of scripts/build-cli.mjs can be used: it exists and every source it was built from is unchanged
// since its build began — a stat per source (under 100 files, a few milliseconds). A source edited, deleted or newly
// imported by an edited file makes it stale. Imports nothing but Node, so the analysis thread's entry can use it.
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

/** Whether dist/NAME.mjs is current; false when it or its manifest (dist/NAME.json) is missing or unreadable. */
export function bundleIsCurrent(name) {
  try {
    const { startedMs, inputs } = JSON.parse(fs.readFileSync(path.join(root, "dist", `${name}.json`), "utf8"));
    if (!fs.existsSync(path.join(root, "dist", `${name}.mjs`))) return false;
    return inputs.every((input) => fs.statSync(path.join(root, input)).mtimeMs < startedMs);
  } catch {
    return false;
  }
}
