// Key-share unseal end to end: init 5/3, serve starts sealed, shares over HTTP and the CLI, restart, wrong shares,
// rekey, HTTPS with a pinned certificate; the shares never reach the data dir or the logs.
import { execFileSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { api, cleanEnv, runCliProcess, type ServeProcess, spawnServe } from "./http-process.js";

const dir = mkdtempSync(join(tmpdir(), "keyward-i23s-shares-"));
const data = join(dir, "data");
const env = cleanEnv({ KEYWARD_DATA: data });
const logs: string[] = [];
const allShares: string[] = [];
let server: ServeProcess | undefined;
let freshShares: string[] = [];

afterAll(async () => {
  await server?.stop();
  rmSync(dir, { recursive: true, force: true });
});

async function serve(): Promise<ServeProcess> {
  const s = await spawnServe(["serve", "--port", "0"], env);
  server = s;
  return s;
}

async function stop(s: ServeProcess): Promise<void> {
  await s.stop();
  logs.push(s.stdout.join(""), s.stderr.join(""));
  server = undefined;
}

const unseal = (url: string, share: string) => api(`${url}/v1/sys/unseal`, "POST", undefined, { share });

/** Every file under the data dir, as bytes (binary SQLite pages included). */
function dataDirBytes(): Buffer {
  const files = readdirSync(data, { recursive: true, withFileTypes: true }).filter((e) => e.isFile());
  return Buffer.concat(files.map((e) => readFileSync(join(e.parentPath, e.name))));
}

describe("unseal by key shares", () => {
  let shares: string[] = [];
  let token = "";

  it("init --shares 5 --threshold 3 prints five shares once and validates its flags", async () => {
    const bad = await runCliProcess(["init", "--shares", "3", "--threshold", "4"], env);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("--threshold must not exceed --shares");
    const one = await runCliProcess(["init", "--shares", "5", "--threshold", "1"], env);
    expect(one.code).toBe(2);
    expect(one.stderr).toContain("--threshold must be at least 2");
    const init = await runCliProcess(["--json", "init", "--shares", "5", "--threshold", "3"], env);
    expect(init.code, init.stderr).toBe(0);
    const out = JSON.parse(init.stdout) as {
      unseal: string;
      shares: number;
      threshold: number;
      keyShares: string[];
    };
    expect(out).toMatchObject({ unseal: "shares", shares: 5, threshold: 3 });
    shares = out.keyShares;
    allShares.push(...shares);
    expect(shares).toHaveLength(5);
    for (const s of shares) expect(s).toMatch(/^[0-9a-f]{66}$/);
    expect(new Set(shares).size).toBe(5);
    expect(readdirSync(data).filter((f) => f.endsWith(".key"))).toEqual([]);
  });

  it("serve starts sealed: /v1 routes 503 sealed, /healthz not ready; 2 shares keep it sealed, the 3rd unseals", async () => {
    const s = await serve();
    expect(s.stderr.join("")).toContain("sealed");
    const health = await api(`${s.url}/healthz`, "GET", undefined);
    expect(health).toEqual({
      status: 503,
      json: { live: true, ready: false, sealed: true, backend: "sqlite" },
    });
    for (const [method, path] of [
      ["GET", "/v1/secrets"],
      ["GET", "/v1/tokens"],
      ["GET", "/v1/delegations/check"],
      ["GET", "/v1/no-such-route"],
    ] as const) {
      const res = await api(`${s.url}${path}`, method, "kw_0000000000000000_x");
      expect(res.status, path).toBe(503);
      expect((res.json as { error: { code: string } }).error.code).toBe("sealed");
    }
    expect((await api(`${s.url}/v1/sys/seal-status`, "GET", undefined)).json).toEqual({
      sealed: true,
      threshold: 3,
      shares: 5,
      received: 0,
    });
    // A garbled share is refused without crashing and without counting.
    const garbled = await unseal(s.url, "zz-not-a-share");
    expect(garbled.status).toBe(400);
    expect(JSON.stringify(garbled.json)).not.toContain("zz-not-a-share");
    const cli = await runCliProcess(
      ["unseal", "--url", s.url],
      env,
      `share 1 of 5: ${shares[0]}\n${shares[1]}\n`,
    );
    expect(cli.code, cli.stderr).toBe(0);
    expect(cli.stdout).toContain("still sealed: 2 of 3");
    expect((await unseal(s.url, shares[1]!)).json).toMatchObject({ sealed: true, received: 2 }); // a repeat counts once
    expect((await api(`${s.url}/v1/secrets`, "GET", undefined)).status).toBe(503);
    const third = await runCliProcess(["--json", "unseal", "--url", s.url], env, `${shares[4]}\n`);
    expect(third.code, third.stderr).toBe(0);
    expect(JSON.parse(third.stdout)).toEqual({ sealed: false, threshold: 3, shares: 5, received: 0 });
    expect((await api(`${s.url}/healthz`, "GET", undefined)).json).toMatchObject({
      ready: true,
      sealed: false,
    });
    // Serving: a token made with the shares from a file (the CLI opens the store directly) writes a secret.
    const file = join(dir, "three-shares.txt");
    writeFileSync(file, `${shares.slice(1, 4).join("\n")}\n`, { mode: 0o600 });
    const created = await runCliProcess(["token", "create", "--scope", "admin"], {
      ...env,
      KEYWARD_UNSEAL_SHARES_FILE: file,
    });
    rmSync(file);
    expect(created.code, created.stderr).toBe(0);
    token = created.stdout.trim().split("\n").at(-1)!;
    expect(token).toMatch(/^kw_/);
    const put = await api(`${s.url}/v1/secrets/before-restart`, "PUT", token, {
      value: "aGVsbG8",
      encoding: "base64url",
    });
    expect(put.status).toBe(200);
    await stop(s);
  });

  it("after a restart: sealed again; wrong shares answer unseal_failed and keep it sealed; right ones read the secret", async () => {
    const s = await serve();
    expect((await api(`${s.url}/v1/secrets/before-restart`, "GET", token)).status).toBe(503);
    // Two right shares and one altered one: the combination fails, progress resets, nothing says which was wrong.
    const altered = `${shares[2]!.slice(0, 10)}${shares[2]![10] === "0" ? "1" : "0"}${shares[2]!.slice(11)}`;
    await unseal(s.url, shares[0]!);
    await unseal(s.url, shares[1]!);
    const failed = await unseal(s.url, altered);
    expect(failed.status).toBe(503);
    expect((failed.json as { error: { code: string; message: string } }).error.code).toBe("unseal_failed");
    expect((await api(`${s.url}/v1/sys/seal-status`, "GET", undefined)).json).toMatchObject({
      sealed: true,
      received: 0,
    });
    expect((await api(`${s.url}/v1/secrets/before-restart`, "GET", token)).status).toBe(503);
    for (const i of [3, 0, 2]) await unseal(s.url, shares[i]!);
    const read = await api(`${s.url}/v1/secrets/before-restart?encoding=base64url`, "GET", token);
    expect(read.status, JSON.stringify(read.json)).toBe(200);
    expect((read.json as { value: string }).value).toBe("aGVsbG8");
    // The unseal is audited (who and when), and the audit chain still verifies.
    const verify = await api(`${s.url}/v1/audit/verify`, "GET", token);
    expect(verify.json).toMatchObject({ ok: true });
    await stop(s);
  });

  it("rekey --shares 3 --threshold 2 re-splits: old shares stop working, new ones unseal", async () => {
    const few = await runCliProcess(["rekey", "--shares", "3", "--threshold", "2"], env, `${shares[0]}\n`);
    expect(few.code).toBe(2);
    const rekey = await runCliProcess(
      ["--json", "rekey", "--shares", "3", "--threshold", "2"],
      env,
      `${shares.slice(2, 5).join("\n")}\n`,
    );
    expect(rekey.code, rekey.stderr).toBe(0);
    const fresh = (JSON.parse(rekey.stdout) as { keyShares: string[]; threshold: number }).keyShares;
    allShares.push(...fresh);
    expect(fresh).toHaveLength(3);
    freshShares = fresh;
    const s = await serve();
    expect((await api(`${s.url}/v1/sys/seal-status`, "GET", undefined)).json).toMatchObject({
      threshold: 2,
      shares: 3,
    });
    await unseal(s.url, shares[0]!);
    expect((await unseal(s.url, shares[1]!)).status).toBe(503); // old shares: unseal_failed
    expect((await unseal(s.url, fresh[2]!)).json).toMatchObject({ sealed: true, received: 1 });
    expect((await unseal(s.url, fresh[0]!)).json).toMatchObject({ sealed: false });
    const read = await api(`${s.url}/v1/secrets/before-restart?encoding=base64url`, "GET", token);
    expect((read.json as { value: string }).value).toBe("aGVsbG8");
    await stop(s);
  });

  it("over HTTPS: `keyward unseal --cacert` trusts only the given certificate", async () => {
    const cert = join(dir, "tls.crt");
    const key = join(dir, "tls.key");
    execFileSync(
      "openssl",
      [
        ...["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes"],
        ...["-keyout", key, "-out", cert, "-days", "2", "-subj", "/CN=keyward test"],
        ...["-addext", "subjectAltName=IP:127.0.0.1"],
      ],
      { stdio: "ignore" },
    );
    const s = await spawnServe(["serve", "--port", "0", "--tls-cert", cert, "--tls-key", key], env);
    server = s;
    expect(s.url.startsWith("https://")).toBe(true);
    const untrusted = await runCliProcess(["unseal", "--url", s.url], env, `${freshShares[0]}\n`);
    expect(untrusted.code).toBe(1);
    expect(untrusted.stderr).toContain("unavailable");
    const pinned = await runCliProcess(
      ["unseal", "--url", s.url, "--cacert", cert],
      env,
      `${freshShares[0]}\n${freshShares[1]}\n`,
    );
    expect(pinned.code, pinned.stderr).toBe(0);
    expect(pinned.stdout).toContain("unsealed");
    await stop(s);
  });

  it("no share ever reaches the data dir or the logs", () => {
    const bytes = dataDirBytes();
    const text = logs.join("");
    expect(text).toContain("unseal");
    for (const share of allShares) {
      const raw = Buffer.from(share, "hex");
      expect(bytes.includes(raw)).toBe(false);
      expect(bytes.includes(Buffer.from(share))).toBe(false);
      expect(text).not.toContain(share);
      expect(text).not.toContain(raw.toString("base64"));
    }
  });
});
