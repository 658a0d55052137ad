/** Starts this server process's study runner once, recovering studies that were running. */
export async function register() {
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  const { getEngine } = await import("./lib/engine/engine");
  try {
    getEngine().start();
  } catch (error) {
    // An unusable database must not take every page down with a bare 500: the routes answer 503 naming the cause.
    console.error("[hypersieve] the study runner did not start:", error instanceof Error ? error.message : error);
  }
}
