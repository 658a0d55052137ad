import net from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { commandsAllowed } from "../objectives/registry";
import { isLoopback, listeningAddresses } from "./listen-address";

const servers: net.Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise((r) => s.close(r))));
});

function listen(host: string): Promise<net.Server> {
  const server = net.createServer();
  servers.push(server);
  return new Promise((resolve) => server.listen(0, host, () => resolve(server)));
}

describe("the command gate reads the address the server really listens on", () => {
  it("allows commands while the process listens on loopback only", async () => {
    await listen("127.0.0.1");
    expect(listeningAddresses().map((a) => a.address)).toContain("127.0.0.1");
    expect(commandsAllowed()).toBe(true);
  });

  it("refuses commands once the process listens on 0.0.0.0, even with no HOST set (next start -H 0.0.0.0)", async () => {
    const before = process.env.HOST;
    delete process.env.HOST;
    try {
      await listen("0.0.0.0");
      expect(commandsAllowed()).toBe(false);
    } finally {
      if (before !== undefined) process.env.HOST = before;
    }
  });

  it.each([
    ["127.0.0.1", true],
    ["::1", true],
    ["[::1]", true],
    ["::ffff:127.0.0.1", true],
    ["0.0.0.0", false],
    ["::", false],
    ["192.168.1.5", false],
  ])("%s is loopback: %s", (address, loopback) => {
    expect(isLoopback(address)).toBe(loopback);
  });
});
