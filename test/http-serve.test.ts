// End-to-end: `keyward serve --dev` and `keyward token …` as real processes over real HTTP.
import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { request } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, describe, expect, it } from "vitest";
import { leakForms } from "./http-harness.js";
import { api, cleanEnv, runCliProcess, spawnServe } from "./http-process.js";

const dataDir = mkdtempSync(join(tmpdir(), "keyward-serve-"));
const allStdout: string[] = [];
const tokens: string[] = [];
const secrets = ["e2e secret value 7f3a9c1d2b", "second e2e secret 55aa77cc"];

afterAll(() => {
  // Every log line the servers wrote (stdout) during this file: no token, no secret in any form.
  const logs = allStdout.join("");
  expect(logs.length).toBeGreaterThan(0);
  for (const form of leakForms([...tokens, ...secrets])) expect(logs).not.toContain(form);
  rmSync(dataDir, { recursive: true, force: true });
});

describe("keyward serve --dev", () => {
  it("first start: creates the data, prints URL, admin token, a working curl example and a warning", async () => {
    const s = await spawnServe(["--data", dataDir, "serve", "--dev", "--port", "0"]);
    try {
      const banner = s.stderr.join("");
      expect(banner).toContain("NOT FOR PRODUCTION");
      expect(s.adminToken).toMatch(/^kw_[0-9a-f]{16}_/);
      tokens.push(s.adminToken!);
      expect(statSync(join(dataDir, "dev-unseal.key")).mode & 0o777).toBe(0o600);
      expect(statSync(join(dataDir, "dev-admin.token")).mode & 0o777).toBe(0o600);
      // Run the printed curl example exactly as printed.
      const curl = /try:\s+(curl .+)$/m.exec(banner)![1]!;
      const { stdout } = await promisify(execFile)("sh", ["-c", curl]);
      expect(JSON.parse(stdout).tokens[0]).toMatchObject({ scopes: ["admin"], label: "dev mode admin" });
      expect((await api(`${s.url}/healthz`, "GET", undefined)).json).toEqual({
        live: true,
        ready: true,
        sealed: false,
        backend: "sqlite",
      });
      const put = await api(`${s.url}/v1/secrets/app-key`, "PUT", s.adminToken, {
        value: secrets[0],
        encoding: "utf8",
      });
      expect(put.status).toBe(200);
    } finally {
      expect(await s.stop()).toBe(0);
      allStdout.push(...s.stdout);
    }
    expect(s.stderr.join("")).toContain("keyward stopped");
  });

  it("second start reuses the data and prints the same working admin token", async () => {
    const s = await spawnServe(["--data", dataDir, "serve", "--dev", "--port", "0"]);
    try {
      expect(s.adminToken).toBe(tokens[0]);
      expect(readFileSync(join(dataDir, "dev-admin.token"), "utf8").trim()).toBe(tokens[0]);
      const got = await api(`${s.url}/v1/secrets/app-key?encoding=utf8`, "GET", s.adminToken);
      expect(got.json).toEqual({ name: "app-key", value: secrets[0], encoding: "utf8" });
    } finally {
      expect(await s.stop()).toBe(0);
      allStdout.push(...s.stdout);
    }
  });

  it("SIGTERM lets an in-flight request finish, then exits 0", async () => {
    const s = await spawnServe(["--data", dataDir, "serve", "--dev", "--port", "0"]);
    const body = JSON.stringify({ value: secrets[1], encoding: "utf8" });
    const half = Math.floor(body.length / 2);
    let exit: Promise<number | null> = Promise.resolve(null);
    const response = new Promise<{ status: number; text: string }>((resolve, reject) => {
      const req = request(`${s.url}/v1/secrets/in-flight`, {
        method: "PUT",
        headers: {
          authorization: `Bearer ${s.adminToken}`,
          "content-type": "application/json",
          "content-length": String(Buffer.byteLength(body)),
        },
      });
      req.on("response", (res) => {
        let text = "";
        res.on("data", (d) => {
          text += String(d);
        });
        res.on("end", () => resolve({ status: res.statusCode ?? 0, text }));
      });
      req.on("error", reject);
      // Half the body now, SIGTERM, then the rest: the request is in flight during shutdown.
      req.write(body.slice(0, half));
      setTimeout(() => {
        exit = s.stop();
        setTimeout(() => req.end(body.slice(half)), 300);
      }, 300);
    });
    const res = await response;
    const t0 = Date.now();
    expect(await exit).toBe(0);
    allStdout.push(...s.stdout);
    expect(Date.now() - t0).toBeLessThan(5000);
    expect(res.status).toBe(200);
    expect(JSON.parse(res.text)).toEqual({ name: "in-flight", bytes: secrets[1]!.length });
    expect(s.stdout.join("")).toContain('"signal":"SIGTERM"');
  });
});

describe("keyward token (CLI) against a running server", () => {
  it("create → usable over HTTP; list hides values; revoke → refused", async () => {
    const s = await spawnServe(["--data", dataDir, "serve", "--dev", "--port", "0"]);
    try {
      const created = await runCliProcess([
        "--data",
        dataDir,
        "--json",
        "token",
        "create",
        "--scope",
        "secrets:read",
      ]);
      expect(created.code).toBe(0);
      const { token, info } = JSON.parse(created.stdout);
      tokens.push(token);
      expect(info.scopes).toEqual(["secrets:read"]);
      expect((await api(`${s.url}/v1/secrets`, "GET", token)).json).toEqual({
        names: ["app-key", "in-flight"],
      });
      expect((await api(`${s.url}/v1/secrets/app-key`, "PUT", token, { value: "AA" })).status).toBe(403);
      const list = await runCliProcess(["--data", dataDir, "token", "list"]);
      expect(list.code).toBe(0);
      expect(list.stdout).toContain(info.id);
      expect(list.stdout).not.toContain(token.slice("kw_0123456789abcdef_".length));
      const revoked = await runCliProcess(["--data", dataDir, "token", "revoke", info.id]);
      expect(revoked.code).toBe(0);
      expect(revoked.stdout).toContain("revoked");
      // The server's token cache is at most 1 s old.
      await new Promise((r) => setTimeout(r, 1100));
      expect((await api(`${s.url}/v1/secrets`, "GET", token)).status).toBe(401);
    } finally {
      await s.stop();
      allStdout.push(...s.stdout);
    }
  });

  it("bad scope, bad partition, unknown id: exit 2 / 1 with one line naming the problem", async () => {
    const bad = await runCliProcess(["--data", dataDir, "token", "create", "--scope", "root"]);
    expect(bad.code).toBe(2);
    expect(bad.stderr.trim().split("\n")).toHaveLength(1);
    expect(bad.stderr).toMatch(/^error invalid_input: scopes: unknown scope/);
    const part = await runCliProcess([
      "--data",
      dataDir,
      "token",
      "create",
      "--scope",
      "admin",
      "--partition",
      "A B",
    ]);
    expect(part.code).toBe(2);
    expect(part.stderr).toMatch(/^error invalid_input: partition must match/);
    const missing = await runCliProcess(["--data", dataDir, "token", "revoke", "0123456789abcdef"]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toBe("error not_found: token does not exist\n");
  });
});

describe("start-up configuration", () => {
  it("a bad value stops start-up with one clear line", async () => {
    const cases: [Record<string, string>, string[], RegExp][] = [
      [{ KEYWARD_PORT: "http" }, [], /^error invalid_input: --port \/ KEYWARD_PORT must be an integer/],
      [{ KEYWARD_PORT: "70000" }, [], /^error invalid_input: --port/],
      [{ KEYWARD_HOST: "a b" }, [], /^error invalid_input: --host \/ KEYWARD_HOST/],
      [{ KEYWARD_DB: "mysql://x" }, [], /^error invalid_input: --db \/ KEYWARD_DB/],
      [{ KEYWARD_LOG_LEVEL: "loud" }, [], /^error invalid_input: KEYWARD_LOG_LEVEL/],
      [{}, ["--port", "-1"], /^error invalid_input: --port/],
    ];
    await Promise.all(
      cases.map(async ([env, flags, pattern]) => {
        const r = await runCliProcess(["--data", dataDir, "serve", "--dev", ...flags], cleanEnv(env));
        expect(r.code).toBe(2);
        expect(r.stderr.trim().split("\n")).toHaveLength(1);
        expect(r.stderr).toMatch(pattern);
      }),
    );
  });

  it("production mode refuses an uninitialised data dir (exit 1, one line)", async () => {
    const empty = mkdtempSync(join(tmpdir(), "keyward-empty-"));
    try {
      const r = await runCliProcess(["--data", empty, "serve", "--port", "0"]);
      expect(r.code).toBe(1);
      expect(r.stderr.trim().split("\n")).toHaveLength(1);
      expect(r.stderr).toMatch(/^error (unseal_failed|not_initialized): /);
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }
  });
});
