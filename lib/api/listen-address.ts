/**
 * The addresses this process really listens on, read from its live TCP
 * servers: `next start -H 0.0.0.0` sets no HOST variable, so only the
 * sockets tell whether the server is reachable off loopback (issue 15, item 5).
 */
import net from "node:net";

const LOOPBACK = /^(127\.[0-9.]+|::1|::ffff:127\.[0-9.]+|localhost)$/i;

/** Whether an address (or host name) is a loopback one. */
export function isLoopback(address: string): boolean {
  return LOOPBACK.test(address.replace(/^\[|\]$/g, ""));
}

/** The address and port of every TCP server of this process that is listening (none in the CLI and in tests). */
export function listeningAddresses(): { address: string; port: number }[] {
  // Node has no public list of a process's servers; _getActiveHandles has been there since 0.x and is what diagnostics tools read.
  const handles = (process as unknown as { _getActiveHandles?: () => unknown[] })._getActiveHandles?.() ?? [];
  return handles.flatMap((h) => {
    if (!(h instanceof net.Server) || !h.listening) return [];
    const a = h.address();
    return a && typeof a === "object" ? [{ address: a.address, port: a.port }] : [];
  });
}

/** Whether this process listens on, or is told to use (HOST), any address that is not loopback. */
export function reachableOffLoopback(env: Record<string, string | undefined> = process.env): boolean {
  if (env.HOST && !isLoopback(env.HOST)) return true;
  return listeningAddresses().some((a) => !isLoopback(a.address));
}
