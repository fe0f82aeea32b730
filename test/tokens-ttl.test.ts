// Expiring API tokens end to end: created with a TTL over HTTP and the CLI, refused once expired, renewed.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestApp, type TestApp } from "./http-harness.js";
import { cleanEnv, runCliProcess } from "./http-process.js";

let t: TestApp;
const dir = mkdtempSync(join(tmpdir(), "keyward-ttl-"));
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(async () => {
  await t.close();
  rmSync(dir, { recursive: true, force: true });
});

describe("tokens that expire", () => {
  it("HTTP: a 1-second token works, then answers 401; renewal moves expiresAt", async () => {
    const created = await t.request("POST", "/v1/tokens", {
      token: t.adminToken,
      body: { scopes: ["audit:read"], ttlSeconds: 1 },
    });
    expect(created.statusCode).toBe(201);
    const { token, info } = created.json();
    expect(Date.parse(info.expiresAt) - Date.parse(info.createdAt)).toBe(1000);
    expect((await t.request("GET", "/v1/audit/verify", { token })).statusCode).not.toBe(401);
    await new Promise((r) => setTimeout(r, 1100));
    const late = await t.request("GET", "/v1/audit/verify", { token });
    expect(late.statusCode).toBe(401);
    const renewExpired = await t.request("POST", `/v1/tokens/${info.id}/renew`, {
      token: t.adminToken,
      body: {},
    });
    expect(renewExpired.statusCode).toBe(410);

    const live = (
      await t.request("POST", "/v1/tokens", {
        token: t.adminToken,
        body: { scopes: ["audit:read"], ttlSeconds: 60 },
      })
    ).json();
    const renewed = await t.request("POST", `/v1/tokens/${live.info.id}/renew`, {
      token: t.adminToken,
      body: { ttlSeconds: 3600 },
    });
    expect(renewed.statusCode).toBe(200);
    expect(Date.parse(renewed.json().expiresAt) - Date.now()).toBeGreaterThan(3_500_000);
    const listed = (await t.request("GET", "/v1/tokens", { token: t.adminToken })).json().tokens;
    expect(listed.find((x: { id: string }) => x.id === live.info.id).expiresAt).toBe(
      renewed.json().expiresAt,
    );
    const tooLong = await t.request("POST", "/v1/tokens", {
      token: t.adminToken,
      body: { scopes: ["audit:read"], ttlSeconds: 0 },
    });
    expect(tooLong.statusCode).toBe(400);
  });

  it("CLI: token create --ttl, token list shows it, token renew, and the operator's maximum per scope", async () => {
    const data = join(dir, "cli");
    expect((await runCliProcess(["init", "--data", data])).code).toBe(0);
    const made = await runCliProcess([
      "token",
      "create",
      "--data",
      data,
      "--scope",
      "rooms:read",
      "--ttl",
      "2h",
      "--json",
    ]);
    expect(made.code).toBe(0);
    const { info } = JSON.parse(made.stdout);
    expect(Date.parse(info.expiresAt) - Date.parse(info.createdAt)).toBe(7_200_000);
    const list = await runCliProcess(["token", "list", "--data", data]);
    expect(list.stdout).toContain(`${info.id}  active until ${info.expiresAt}`);
    const renewed = await runCliProcess(["token", "renew", info.id, "--data", data, "--ttl", "1d", "--json"]);
    expect(Date.parse(JSON.parse(renewed.stdout).expiresAt) - Date.now()).toBeGreaterThan(86_000_000);
    const capped = cleanEnv({ KEYWARD_TOKEN_MAX_TTL: "admin=1h" });
    const refused = await runCliProcess(
      ["token", "create", "--data", data, "--scope", "admin", "--ttl", "2h"],
      capped,
    );
    expect(refused.code).toBe(2);
    expect(refused.stderr).toBe(
      "error invalid_input: ttl exceeds the maximum of 3600 seconds for these scopes\n",
    );
    const bounded = await runCliProcess(
      ["token", "create", "--data", data, "--scope", "admin", "--json"],
      capped,
    );
    const b = JSON.parse(bounded.stdout).info;
    expect(Date.parse(b.expiresAt) - Date.parse(b.createdAt)).toBe(3_600_000);
    const bad = await runCliProcess(["token", "create", "--data", data, "--scope", "admin", "--ttl", "soon"]);
    expect(bad.stderr).toBe("error invalid_input: --ttl must be a duration like 90s, 15m, 12h or 30d\n");
  });
});
