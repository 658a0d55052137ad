import { defineConfig } from "vitest/config";
import { fileURLToPath } from "node:url";

/** Test files of the slow, many-seed project. */
const PLANTED = ["lib/optimizer/samplers/sieve-planted.test.ts"];

export default defineConfig({
  resolve: {
    alias: {
      "@": fileURLToPath(new URL("./", import.meta.url)),
      // Server modules say `import "server-only"`, which throws outside React's react-server condition; tests are
      // server code, so they get the package's own empty module (what Next resolves it to on the server). Setting
      // resolve.conditions instead would also switch react and next to their server builds.
      "server-only": fileURLToPath(new URL("./node_modules/server-only/empty.js", import.meta.url)),
    },
  },
  test: {
    environment: "node",
    testTimeout: 60_000,
    pool: "forks",
    projects: [
      {
        extends: true,
        test: {
          name: "unit",
          include: ["lib/**/*.test.ts", "db/**/*.test.ts", "app/**/*.test.ts", "bench/**/*.test.ts", "test/**/*.test.ts"],
          exclude: [...PLANTED, "**/node_modules/**"],
        },
      },
      // Many-seed statistical runs of the whole method: about 40 s each alone, minutes beside the unit tests on 2 busy cores.
      { extends: true, test: { name: "planted", include: PLANTED, testTimeout: 900_000 } },
    ],
  },
});
