// Trusted proxies: X-Forwarded-For is ignored by default and from untrusted peers, and names the client (for the
// failed-authentication budget) only when the peer is a trusted proxy.
import { describe, expect, it } from "vitest";
import { appsPerTest } from "../../test/http-harness.js";
import { parseTrustProxy, trustProxyFromEnv } from "./trust-proxy.js";

const openApp = appsPerTest();

/** An app whose failed-authentication budget is 2 per address; `fail` sends one wrong token. */
async function appTrusting(trustProxy?: readonly string[]) {
  const { app } = await openApp({
    limits: { authFailuresPerMinute: 2 },
    ...(trustProxy ? { trustProxy } : {}),
  });
  const fail = async (remoteAddress: string, forwardedFor?: string) =>
    (
      await app.inject({
        method: "GET",
        url: "/v1/tokens",
        remoteAddress,
        headers: {
          authorization: "Bearer kw_wrong_token_000000000000",
          ...(forwardedFor ? { "x-forwarded-for": forwardedFor } : {}),
        },
      })
    ).statusCode;
  return fail;
}

describe("trust proxy", () => {
  it("ignores X-Forwarded-For when off: a forged header does not buy a fresh budget", async () => {
    const fail = await appTrusting();
    expect(await fail("203.0.113.7", "198.51.100.1")).toBe(401);
    expect(await fail("203.0.113.7", "198.51.100.2")).toBe(401);
    expect(await fail("203.0.113.7", "198.51.100.3")).toBe(429);
  });

  it("uses X-Forwarded-For from a trusted proxy, and only from it", async () => {
    const fail = await appTrusting(parseTrustProxy("10.0.0.0/8, 127.0.0.1"));
    // Behind the proxy 10.0.0.5: each client address has its own budget.
    expect(await fail("10.0.0.5", "198.51.100.1")).toBe(401);
    expect(await fail("10.0.0.5", "198.51.100.1")).toBe(401);
    expect(await fail("10.0.0.5", "198.51.100.1")).toBe(429);
    expect(await fail("10.0.0.5", "198.51.100.2")).toBe(401);
    // A client spoofing the header through the proxy: the right-most untrusted entry is what counts.
    expect(await fail("10.0.0.5", "198.51.100.9, 198.51.100.1")).toBe(429);
    // An untrusted peer: its header is ignored, its own address is throttled.
    expect(await fail("203.0.113.7", "198.51.100.50")).toBe(401);
    expect(await fail("203.0.113.7", "198.51.100.51")).toBe(401);
    expect(await fail("203.0.113.7", "198.51.100.52")).toBe(429);
  });
});

describe("parseTrustProxy", () => {
  it("accepts addresses and CIDR ranges of both families", () => {
    expect(parseTrustProxy("10.0.0.5, 10.1.0.0/16,::1,fd00::/8")).toEqual([
      "10.0.0.5",
      "10.1.0.0/16",
      "::1",
      "fd00::/8",
    ]);
    expect(trustProxyFromEnv({})).toBeUndefined();
    expect(trustProxyFromEnv({ KEYWARD_TRUST_PROXY: "127.0.0.1" })).toEqual(["127.0.0.1"]);
  });

  it("refuses anything else, naming the option and never echoing the entry", () => {
    for (const bad of [
      "",
      "10.0.0.5,",
      "proxy.example",
      "10.0.0.0/33",
      "::1/129",
      "1.2.3.4/8/1",
      "10.0.0.0/x",
    ]) {
      expect(() => parseTrustProxy(bad)).toThrow(RangeError);
      try {
        parseTrustProxy(bad);
      } catch (err) {
        expect((err as Error).message).toMatch(/^--trust-proxy \/ KEYWARD_TRUST_PROXY /);
        if (bad) expect((err as Error).message).not.toContain(bad);
      }
    }
    expect(() => parseTrustProxy(5)).toThrow(TypeError);
  });
});
