import type { NextConfig } from "next";

const nextConfig: NextConfig = {
  serverExternalPackages: ["better-sqlite3"],
  outputFileTracingIncludes: { "/**": ["./lib/objectives/tables/**", "./lib/objectives/datasets/**", "./db/migrations/**"] },
};

export default nextConfig;
