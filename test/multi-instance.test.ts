// Two `keyward serve` processes on one PostgreSQL schema: cross-instance reads within 1 s, one-time tokens
// consumed exactly once when raced through both.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { formatCertificate } from "../src/delegates/certificate.js";
import { certifyVersion, newAppKey } from "../src/delegates/test-support.js";
import { newKeyFileContent } from "../src/store/sealing/unseal.js";
import { dropTestSchema, newTestSchema, testPostgresUrl } from "../src/store/testing.js";
import { leakForms } from "./http-harness.js";
import { api, runCliProcess, type ServeProcess, spawnServe } from "./http-process.js";

const dir = mkdtempSync(join(tmpdir(), "keyward-multi-"));
const schema = newTestSchema();
const db = testPostgresUrl(schema);
const keyFile = join(dir, "unseal.key");
const base = ["--data", dir, "--db", db, "--key-file", keyFile];
let a: ServeProcess;
let b: ServeProcess;
let admin = "";
const secrets = ["multi-instance secret 9d8c7b6a5f"];

beforeAll(async () => {
  writeFileSync(keyFile, newKeyFileContent(), { mode: 0o600 });
  const init = await runCliProcess([...base, "init"]);
  expect(init.code, init.stderr).toBe(0);
  const created = await runCliProcess([...base, "--json", "token", "create", "--scope", "admin"]);
  expect(created.code, created.stderr).toBe(0);
  admin = JSON.parse(created.stdout).token;
  [a, b] = await Promise.all([
    spawnServe([...base, "serve", "--port", "0"]),
    spawnServe([...base, "serve", "--port", "0"]),
  ]);
});

afterAll(async () => {
  const codes = await Promise.all([a?.stop(), b?.stop()]);
  expect(codes).toEqual([0, 0]);
  const logs = [...(a?.stdout ?? []), ...(b?.stdout ?? [])].join("");
  for (const form of leakForms([admin, ...secrets])) expect(logs).not.toContain(form);
  await dropTestSchema(schema);
  rmSync(dir, { recursive: true, force: true });
});

describe("two instances on one Postgres database", () => {
  it("both are ready on the postgres backend", async () => {
    for (const s of [a, b])
      expect((await api(`${s.url}/healthz`, "GET", undefined)).json).toEqual({
        live: true,
        ready: true,
        sealed: false,
        backend: "postgres",
      });
  });

  it("a grant made through one instance is answered by the other within 1 s", async () => {
    const check = `/v1/delegations/check?delegator=42&provider=P&scope=7&at=1000`;
    expect((await api(b.url + check, "GET", admin)).json).toEqual({ authorized: false, interval: null });
    const grant = await api(`${a.url}/v1/delegations/grant`, "POST", admin, {
      delegator: 42,
      provider: "P",
      scopes: [7],
      at: 500,
    });
    expect(grant.status).toBe(200);
    const t0 = Date.now();
    let answer: unknown;
    while (Date.now() - t0 < 1000) {
      answer = (await api(b.url + check, "GET", admin)).json;
      if ((answer as { authorized: boolean }).authorized) break;
      await new Promise((r) => setTimeout(r, 20));
    }
    expect(answer).toEqual({ authorized: true, interval: { from: 500, until: null } });
    expect(Date.now() - t0).toBeLessThan(1000);
  });

  it("a migration token raced through both instances succeeds exactly once", async () => {
    const appKey = newAppKey();
    expect(
      (await api(`${a.url}/v1/apps`, "POST", admin, { name: "race", publicKey: appKey.hex })).status,
    ).toBe(201);
    const keys: string[] = [];
    for (const v of [1, 2]) {
      const cert = formatCertificate(certifyVersion(appKey, "race", v));
      const res = await api(`${b.url}/v1/delegates`, "POST", admin, { certificate: cert });
      expect(res.status).toBe(201);
      keys.push((res.json as { delegateKey: string }).delegateKey);
    }
    const [v1, v2] = keys as [string, string];
    await api(`${a.url}/v1/delegates/${v1}/secrets/k`, "PUT", admin, { value: secrets[0], encoding: "utf8" });
    const issued = await api(`${b.url}/v1/delegates/${v1}/migration-tokens`, "POST", admin, { to: v2 });
    const token = (issued.json as { token: string }).token;
    secrets.push(token);
    const attempts = Array.from({ length: 16 }, (_, i) =>
      api(`${(i % 2 ? a : b).url}/v1/delegates/${v1}/migrate`, "POST", admin, { to: v2, token }),
    );
    const results = await Promise.all(attempts);
    const ok = results.filter((r) => r.status === 200);
    expect(ok).toHaveLength(1);
    const refused = results
      .filter((r) => r.status !== 200)
      .map((r) => (r.json as { error: { code: string } }).error.code);
    expect(new Set(refused)).toEqual(new Set(["token_used"]));
    const moved = await api(`${a.url}/v1/delegates/${v2}/secrets/k?encoding=utf8`, "GET", admin);
    expect((moved.json as { value: string }).value).toBe(secrets[0]);
  });

  it("a token revoked through one instance is refused by the other within its 1 s cache", async () => {
    const created = await api(`${a.url}/v1/tokens`, "POST", admin, { scopes: ["delegations:read"] });
    const { token, info } = created.json as { token: string; info: { id: string } };
    secrets.push(token);
    const url = `${b.url}/v1/delegations/check?delegator=1&provider=P&scope=1&at=1`;
    expect((await api(url, "GET", token)).status).toBe(200);
    expect((await api(`${a.url}/v1/tokens/${info.id}`, "DELETE", admin)).status).toBe(200);
    await new Promise((r) => setTimeout(r, 1100));
    expect((await api(url, "GET", token)).status).toBe(401);
  });
});
