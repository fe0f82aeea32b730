// Request limits on a real app over SQLite: a failed-authentication budget per address (audited once), a rate
// per token, and load shedding with Retry-After.
import { connect } from "node:net";
import { describe, expect, it } from "vitest";
import { appsPerTest } from "../../test/http-harness.js";
import { AuthThrottle, type LimitOptions, limitsFromEnv } from "./limits.js";

const openApp = appsPerTest();

async function appWith(limits: LimitOptions) {
  const { app, kw } = await openApp({ limits });
  const admin = (await kw.tokens.create({ scopes: ["admin"] })).token;
  const get = (url: string, token: string, remoteAddress = "203.0.113.7") =>
    app.inject({ method: "GET", url, headers: { authorization: `Bearer ${token}` }, remoteAddress });
  return { app, kw, admin, get };
}

describe("AuthThrottle", () => {
  it("allows the budget per one-minute window, then says how long to wait, and reports once", () => {
    let now = 0;
    const reports: [string, number][] = [];
    const th = new AuthThrottle(
      3,
      (c, n) => reports.push([c, n]),
      () => now,
    );
    for (let i = 0; i < 3; i++) {
      expect(th.retryAfter("a")).toBe(0);
      th.fail("a");
    }
    expect(th.retryAfter("a")).toBe(60);
    expect(th.retryAfter("b")).toBe(0);
    now = 59_001;
    expect(th.retryAfter("a")).toBe(1);
    now = 60_000;
    expect(th.retryAfter("a")).toBe(0);
    expect(reports).toEqual([["a", 3]]);
  });

  it("reads the environment, refusing malformed values by name", () => {
    expect(limitsFromEnv({ KEYWARD_RATE_LIMIT: "100", KEYWARD_AUTH_FAILURE_LIMIT: "5" })).toEqual({
      perMinute: 100,
      authFailuresPerMinute: 5,
    });
    expect(() => limitsFromEnv({ KEYWARD_RATE_LIMIT: "lots" })).toThrow(/^KEYWARD_RATE_LIMIT must be/);
  });
});

describe("limits on the app", () => {
  it("10,000 wrong tokens from one address: 20 are checked, the rest refused with 429; audited once", async () => {
    const { kw, admin, get } = await appWith({});
    const statuses = new Map<number, number>();
    let retryAfter: string | undefined;
    for (let i = 0; i < 10_000; i++) {
      const res = await get("/v1/tokens", `kw_${i.toString(16).padStart(16, "0")}_${"A".repeat(43)}`);
      statuses.set(res.statusCode, (statuses.get(res.statusCode) ?? 0) + 1);
      if (res.statusCode === 429) retryAfter = res.headers["retry-after"] as string;
    }
    expect(Object.fromEntries(statuses)).toEqual({ 401: 20, 429: 9980 });
    expect(Number(retryAfter)).toBeGreaterThan(0);
    // The throttled address is refused even with a good token until its window ends; others are not.
    expect((await get("/v1/tokens", admin)).statusCode).toBe(429);
    expect((await get("/v1/tokens", admin, "198.51.100.1")).statusCode).toBe(200);
    await new Promise((r) => setTimeout(r, 50)); // the audit append is not on the request path
    const hex = (text: string) => Buffer.from(text).toString("hex");
    const throttled: string[] = [];
    for await (const e of kw.audit.entries())
      if (e.body.includes(hex("auth.throttled"))) throttled.push(e.body);
    expect(throttled).toHaveLength(1);
    expect(throttled[0]).toContain(hex("203.0.113.7"));
    expect((await kw.audit.verify()).ok).toBe(true);
  });

  it("a token over its rate gets 429 with Retry-After; another token is not slowed", async () => {
    const { kw, admin, get } = await appWith({ perMinute: 5 });
    for (let i = 0; i < 5; i++) expect((await get("/v1/tokens", admin)).statusCode).toBe(200);
    const over = await get("/v1/tokens", admin);
    expect(over.statusCode).toBe(429);
    expect(over.json().error.code).toBe("rate_limited");
    expect(Number(over.headers["retry-after"])).toBeGreaterThan(0);
    const other = (await kw.tokens.create({ scopes: ["admin"] })).token;
    expect((await get("/v1/tokens", other)).statusCode).toBe(200);
  });

  it("sheds load with 503 + Retry-After past the in-flight bound, instead of queueing", async () => {
    const { app, admin } = await appWith({ maxInFlight: 2 });
    await app.listen({ port: 0, host: "127.0.0.1" });
    const address = app.server.address();
    const url = `http://127.0.0.1:${typeof address === "object" && address ? address.port : 0}`;
    // Two uploads held open (headers sent, body never) occupy the two places.
    const port = new URL(url).port;
    const held = [1, 2].map(() => {
      const socket = connect(Number(port), "127.0.0.1");
      socket.on("error", () => undefined);
      socket.write(
        `PUT /v1/secrets/held HTTP/1.1\r\nhost: x\r\nauthorization: Bearer ${admin}\r\ncontent-type: application/json\r\ncontent-length: 100\r\n\r\n`,
      );
      return socket;
    });
    await new Promise((r) => setTimeout(r, 300));
    const shed = await fetch(`${url}/v1/tokens`, { headers: { authorization: `Bearer ${admin}` } });
    expect(shed.status).toBe(503);
    expect(shed.headers.get("retry-after")).toBe("1");
    expect(((await shed.json()) as { error: { code: string } }).error.code).toBe("unavailable");
    for (const socket of held) socket.destroy();
    await new Promise((r) => setTimeout(r, 300));
    const after = await fetch(`${url}/v1/tokens`, { headers: { authorization: `Bearer ${admin}` } });
    expect(after.status).toBe(200);
  });
});
