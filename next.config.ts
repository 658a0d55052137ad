import type { NextConfig } from "next";

const nextConfig: NextConfig = {
  // The end-to-end tests build into their own folder, so they never clash with a developer's build.
  distDir: process.env.NEXT_DIST_DIR ?? ".next",
  serverExternalPackages: ["better-sqlite3"],
  outputFileTracingIncludes: { "/**": ["./lib/objectives/tables/**", "./lib/objectives/datasets/**", "./db/migrations/**"] },
  // A restart answers its first request without first loading every page and route module (about a second on 2 busy cores);
  // each is loaded on its first request instead.
  experimental: { preloadEntriesOnStart: false },
};

export default nextConfig;
