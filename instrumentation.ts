/** Starts this server process's study runner once, recovering studies that were running. */
export async function register() {
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  const { getEngine } = await import("./lib/engine/engine");
  getEngine().start();
}
