/**
 * A real HTTP server over the agent routes, for tests that run agents as
 * separate processes against the engine of the test process (its temporary
 * database). Next's proxy is left out: these tests are about agents.
 */
import http from "node:http";
import type { AddressInfo } from "node:net";
import { POST as claim } from "../app/api/agent/claim/route";
import { POST as finish } from "../app/api/agent/jobs/[job]/finish/route";
import { POST as release } from "../app/api/agent/jobs/[job]/release/route";
import { POST as renew } from "../app/api/agent/jobs/[job]/renew/route";
import { POST as report } from "../app/api/agent/jobs/[job]/report/route";

type JobRoute = (request: Request, context: { params: Promise<{ job: string }> }) => Promise<Response> | Response;
const jobRoutes: Record<string, JobRoute> = { finish, release, renew, report };

export type AgentServer = { url: string; close: () => Promise<void> };

export async function startAgentServer(): Promise<AgentServer> {
  const server = http.createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    const request = new Request(url, { method: req.method, headers: req.headers as Record<string, string>, body: req.method === "POST" ? Buffer.concat(chunks) : undefined });
    let response: Response;
    const job = /^\/api\/agent\/jobs\/([^/]+)\/(\w+)$/.exec(url.pathname);
    if (url.pathname === "/api/agent/claim") response = await claim(request);
    else if (job && jobRoutes[job[2]]) response = await jobRoutes[job[2]](request, { params: Promise.resolve({ job: job[1] }) });
    else response = Response.json({ error: `no route ${url.pathname}` }, { status: 404 });
    res.writeHead(response.status, Object.fromEntries(response.headers));
    res.end(Buffer.from(await response.arrayBuffer()));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }),
  };
}
