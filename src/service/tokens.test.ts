// Token lookups on the HTTP hot path: a verified token is answered from the cache until revoked or stale.
import { afterEach, expect, it } from "vitest";
import { openTestSqliteStorage, type TestStorage } from "../store/testing.js";
import { TokenService } from "./tokens.js";

let t: TestStorage | undefined;
afterEach(async () => {
  await t?.cleanup();
  t = undefined;
});

it("peek answers a verified token from the cache; a wrong secret, a revocation and staleness do not", async () => {
  t = await openTestSqliteStorage();
  let now = 1_000_000;
  const realNow = Date.now;
  Date.now = () => now;
  try {
    const tokens = new TokenService(t.storage, { cacheMs: 1000 });
    const { token, info } = await tokens.create({ scopes: ["delegations:read"] });
    expect(tokens.peek(token)).toBeUndefined(); // not looked up yet
    expect((await tokens.authenticate(token))?.id).toBe(info.id);
    expect(tokens.peek(token)?.principal?.id).toBe(info.id);
    expect(tokens.peek(token)?.principal?.id).toBe(info.id); // the verified fast path
    const wrong = `${token.slice(0, -2)}${token.endsWith("AA") ? "BB" : "AA"}`;
    expect(tokens.peek(wrong)).toEqual({ principal: undefined });
    now += 1000;
    expect(tokens.peek(token)).toBeUndefined(); // stale: must be looked up again
    expect((await tokens.authenticate(token))?.id).toBe(info.id);
    expect(tokens.peek(token)?.principal?.id).toBe(info.id);
    await tokens.revoke(info.id);
    expect(tokens.peek(token)).toBeUndefined();
    expect(await tokens.authenticate(token)).toBeUndefined();
    expect(tokens.peek(token)).toEqual({ principal: undefined });
  } finally {
    Date.now = realNow;
  }
});
