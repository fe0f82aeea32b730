// Token lifetimes: duration parsing, the per-scope maximum policy, and expiry/renewal through TokenService.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { KeywardError } from "../errors/keyward-error.js";
import { openTestSqliteStorage } from "../store/testing.js";
import { effectiveTtl, MAX_TTL_SECONDS, parseDuration, parseMaxTtlPolicy } from "./token-ttl.js";
import { SCOPES, TokenService } from "./tokens.js";

describe("parseDuration", () => {
  it("reads seconds, minutes, hours and days", () => {
    expect(parseDuration("90", "--ttl")).toBe(90);
    expect(parseDuration("90s", "--ttl")).toBe(90);
    expect(parseDuration("15m", "--ttl")).toBe(900);
    expect(parseDuration("12h", "--ttl")).toBe(43_200);
    expect(parseDuration("30d", "--ttl")).toBe(2_592_000);
  });

  it("refuses anything else, naming the field and never echoing the text", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 12 }), (text) => {
        if (/^\d{1,10}[smhd]?$/.test(text.trim())) return;
        expect(() => parseDuration(text, "--ttl")).toThrow(/^--ttl must be a duration/);
      }),
    );
    expect(() => parseDuration("0s", "--ttl")).toThrow(RangeError);
    expect(() => parseDuration(`${MAX_TTL_SECONDS + 1}`, "--ttl")).toThrow(/between 1 second and 10 years/);
  });
});

describe("the maximum TTL per scope", () => {
  const policy = parseMaxTtlPolicy("admin=1h, secrets:write=1d", SCOPES);

  it("parses the operator's setting and refuses unknown scopes", () => {
    expect(policy).toEqual({ admin: 3600, "secrets:write": 86_400 });
    expect(() => parseMaxTtlPolicy("root=1h", SCOPES)).toThrow(/unknown scope/);
    expect(() => parseMaxTtlPolicy("admin", SCOPES)).toThrow(/scope=duration/);
  });

  it("bounds a token by the smallest maximum of its scopes, which is also its default", () => {
    expect(effectiveTtl(undefined, ["rooms:read"], policy)).toBeUndefined();
    expect(effectiveTtl(undefined, ["secrets:write", "admin"], policy)).toBe(3600);
    expect(effectiveTtl(600, ["secrets:write"], policy)).toBe(600);
    expect(() => effectiveTtl(7200, ["admin"], policy)).toThrow(/exceeds the maximum of 3600 seconds/);
  });
});

describe("TokenService expiry and renewal", () => {
  it("a token stops authenticating at expiresAt, even from the cache; renewal moves it", async () => {
    const t = await openTestSqliteStorage();
    let now = Date.parse("2026-12-03T10:00:00.000Z");
    const tokens = new TokenService(t.storage, { now: () => new Date(now), cacheMs: 60_000 });
    try {
      const { token, info } = await tokens.create({ scopes: ["audit:read"], ttlSeconds: 60 });
      expect(info.expiresAt).toBe("2026-12-03T10:01:00.000Z");
      expect(await tokens.authenticate(token)).toBeDefined();
      now += 59_999;
      expect(tokens.peek(token)?.principal).toBeDefined();
      now += 1;
      expect(tokens.peek(token)?.principal).toBeUndefined();
      expect(await tokens.authenticate(token)).toBeUndefined();
      await expect(tokens.renew(info.id)).rejects.toMatchObject({ code: "expired" });
      const fresh = await tokens.create({ scopes: ["audit:read"], ttlSeconds: 60 });
      now += 30_000;
      const renewed = await tokens.renew(fresh.info.id, { ttlSeconds: 120 });
      expect(renewed.expiresAt).toBe(new Date(now + 120_000).toISOString());
      now += 100_000; // past the first expiry, inside the renewed one
      expect(await tokens.authenticate(fresh.token)).toBeDefined();
      expect((await tokens.list()).find((i) => i.id === fresh.info.id)?.expiresAt).toBe(renewed.expiresAt);
      await tokens.revoke(fresh.info.id);
      const err = await tokens.renew(fresh.info.id).catch((e: KeywardError) => e);
      expect(err).toMatchObject({ code: "revoked" });
    } finally {
      await t.cleanup();
    }
  });

  it("the maximum applies at creation and at renewal", async () => {
    const t = await openTestSqliteStorage();
    const tokens = new TokenService(t.storage, { maxTtl: { admin: 3600 } });
    try {
      const { info } = await tokens.create({ scopes: ["admin"] });
      expect(Date.parse(info.expiresAt!) - Date.parse(info.createdAt)).toBe(3_600_000);
      await expect(tokens.create({ scopes: ["admin"], ttlSeconds: 7200 })).rejects.toThrow(RangeError);
      await expect(tokens.renew(info.id, { ttlSeconds: 7200 })).rejects.toThrow(/exceeds the maximum/);
      const never = await tokens.create({ scopes: ["rooms:read"] });
      expect(never.info.expiresAt).toBeNull();
    } finally {
      await t.cleanup();
    }
  });
});
