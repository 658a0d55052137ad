import type { NextConfig } from "next";

const nextConfig: NextConfig = {
  // The end-to-end tests build into their own folder, so they never clash with a developer's build.
  distDir: process.env.NEXT_DIST_DIR ?? ".next",
  serverExternalPackages: ["better-sqlite3"],
  outputFileTracingIncludes: { "/**": ["./lib/objectives/tables/**", "./lib/objectives/datasets/**", "./db/migrations/**"] },
};

export default nextConfig;
