/** Starts this server process's study runner once (instrumentation-node.ts), on the Node.js runtime only. */
export async function register() {
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  const { startServer } = await import("./instrumentation-node");
  startServer();
}
