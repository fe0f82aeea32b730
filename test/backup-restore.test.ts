// `keyward backup` taken while `keyward serve` takes writes, restored elsewhere: every write acknowledged before
// the backup started is there, the audit chain verifies; a tampered backup restores nothing.
import { copyFileSync, existsSync, mkdtempSync, readdirSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { api, cleanEnv, runCliProcess, type ServeProcess, spawnServe } from "./http-process.js";

const dir = mkdtempSync(join(tmpdir(), "keyward-backup-e2e-"));
const src = join(dir, "src");
const keyFile = join(src, "dev-unseal.key");
const backup = join(dir, "load.backup");
const env = cleanEnv({ KEYWARD_RATE_LIMIT: "1000000", KEYWARD_LOG_LEVEL: "warn" });
let server: ServeProcess;
const servers: ServeProcess[] = [];

beforeAll(async () => {
  server = await spawnServe(["--data", src, "serve", "--dev", "--port", "0"], env);
  servers.push(server);
}, 60_000);
afterAll(async () => {
  for (const s of servers) await s.stop();
  rmSync(dir, { recursive: true, force: true });
});

interface Ack {
  readonly kind: "secret" | "grant" | "partition";
  readonly id: string;
  readonly at: number;
}

/** One write of each kind in turn; resolves with the acknowledgement (or undefined when refused). */
async function write(url: string, token: string, worker: number, i: number): Promise<Ack | undefined> {
  const id = `w${worker}-${i}`;
  const kind = (["secret", "grant", "partition"] as const)[i % 3]!;
  let status: number;
  if (kind === "secret")
    status = (
      await api(`${url}/v1/secrets/${id}`, "PUT", token, {
        value: Buffer.from(`value-${id}`).toString("hex"),
        encoding: "hex",
      })
    ).status;
  else if (kind === "grant")
    status = (
      await api(`${url}/v1/delegations/grant`, "POST", token, {
        delegator: 1000 + worker,
        provider: id,
        scopes: [1],
        at: 100,
        id,
      })
    ).status;
  else status = (await api(`${url}/v1/partitions`, "POST", token, { name: `p-${id}` })).status;
  const at = Date.now();
  return status === 200 || status === 201 ? { kind, id, at } : undefined;
}

describe("backup under write load, restore elsewhere", () => {
  it("finds every write acknowledged before the backup started, and a verifying audit chain", async () => {
    const token = server.adminToken!;
    const acks: Ack[] = [];
    let stop = false;
    const workers = Array.from({ length: 6 }, async (_, w) => {
      for (let i = 0; !stop; i++) {
        const ack = await write(server.url, token, w, i);
        if (ack) acks.push(ack);
      }
    });
    while (acks.length < 60) await new Promise((r) => setTimeout(r, 20));
    const started = Date.now();
    const made = await runCliProcess(["--data", src, "backup", "--out", backup, "--json"], env);
    const ackedDuring = acks.filter((a) => a.at > started).length;
    stop = true;
    await Promise.all(workers);
    expect(made.code, made.stderr).toBe(0);
    // The server kept answering while the backup ran.
    expect(ackedDuring).toBeGreaterThan(0);
    const before = acks.filter((a) => a.at <= started);
    expect(before.length).toBeGreaterThanOrEqual(60);
    expect(new Set(before.map((a) => a.kind)).size).toBe(3);
    expect(statSync(backup).mode & 0o777).toBe(0o600);
    const summary = JSON.parse(made.stdout);
    expect(summary.source).toBe("sqlite");

    const dst = join(dir, "restored");
    const restored = await runCliProcess(
      ["--data", dst, "--key-file", keyFile, "restore", backup, "--json"],
      env,
    );
    expect(restored.code, restored.stderr).toBe(0);
    const counts = JSON.parse(restored.stdout);
    expect(counts).toMatchObject({
      target: dst,
      records: summary.records,
      secrets: summary.secrets,
      auditEntries: summary.auditEntries,
    });
    expect(counts.auditEntries).toBeGreaterThan(0);

    // A server on the restored dir (not dev mode: the original admin token is in the restored store).
    const copy = await spawnServe(["--data", dst, "--key-file", keyFile, "serve", "--port", "0"], env);
    servers.push(copy);
    const partitions = (await api(`${copy.url}/v1/partitions`, "GET", token)).json as {
      partitions: { name: string }[];
    };
    const names = new Set(JSON.stringify(partitions).match(/p-w\d+-\d+/g));
    for (const a of before) {
      if (a.kind === "secret") {
        const got = await api(`${copy.url}/v1/secrets/${a.id}?encoding=hex`, "GET", token);
        expect(got.status, a.id).toBe(200);
        expect(Buffer.from((got.json as { value: string }).value, "hex").toString()).toBe(`value-${a.id}`);
      } else if (a.kind === "grant") {
        const worker = Number(/^w(\d+)/.exec(a.id)![1]);
        const q = `delegator=${1000 + worker}&provider=${a.id}&scope=1&at=150`;
        const got = await api(`${copy.url}/v1/delegations/check?${q}`, "GET", token);
        expect(got.json, a.id).toMatchObject({ authorized: true });
      } else expect(names.has(`p-${a.id}`), a.id).toBe(true);
    }
    const audit = await api(`${copy.url}/v1/audit/verify`, "GET", token);
    expect(audit.json).toMatchObject({ ok: true });
    expect((audit.json as { entries: number }).entries).toBeGreaterThanOrEqual(counts.auditEntries);
  });

  it("a flipped byte in a sealed secret: restore fails naming the secret and leaves no data dir", async () => {
    const file = join(dir, "flipped.backup");
    copyFileSync(backup, file);
    // The flip goes through SQLite, so it lands in the live row wherever the page layout puts it (a byte search
    // of the file can hit a stale copy in a freed page, or miss a blob split across overflow pages).
    const db = new Database(file);
    const row = db
      .prepare("SELECT ns, name, sealed FROM kw_secret WHERE ns = 'user' ORDER BY name LIMIT 1")
      .get() as {
      ns: string;
      name: string;
      sealed: Buffer;
    };
    const flipped = Buffer.from(row.sealed);
    flipped[20]! ^= 0x01;
    db.prepare("UPDATE kw_secret SET sealed = ? WHERE ns = ? AND name = ?").run(flipped, row.ns, row.name);
    db.close();
    const dst = join(dir, "from-flipped");
    const r = await runCliProcess(["--data", dst, "--key-file", keyFile, "restore", file], env);
    expect(r.code).toBe(1);
    expect(r.stderr.trim()).toBe(
      `error decrypt_failed: secret ${row.ns}/${row.name} does not open with this unseal material (tampered or damaged); nothing was restored`,
    );
    expect(existsSync(dst)).toBe(false);
    expect(readdirSync(dir).filter((f) => f.includes("restore."))).toEqual([]);
  });

  it("a broken audit chain: restore fails naming the entry and leaves no data dir", async () => {
    const file = join(dir, "unchained.backup");
    copyFileSync(backup, file);
    const db = new Database(file);
    db.prepare("DELETE FROM kw_log WHERE seq = ?").run(2);
    db.close();
    const dst = join(dir, "from-unchained");
    const r = await runCliProcess(["--data", dst, "--key-file", keyFile, "restore", file, "--json"], env);
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout).error).toMatchObject({ code: "audit_broken" });
    expect(r.stderr).toMatch(
      /^error audit_broken: audit chain broken at entry 2: entry missing; nothing was restored/,
    );
    expect(existsSync(dst)).toBe(false);
  });

  it("refuses a non-empty data dir naming it, and an existing --out without --force", async () => {
    const r = await runCliProcess(["--data", src, "--key-file", keyFile, "restore", backup], env);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`error already_exists: ${src} is not empty`);
    const again = await runCliProcess(["--data", src, "backup", "--out", backup], env);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain("already exists: choose another file or pass --force");
    const forced = await runCliProcess(["--data", src, "backup", "--out", backup, "--force"], env);
    expect(forced.code, forced.stderr).toBe(0);
    expect(forced.stdout).toMatch(
      /^backup written: .* bytes from sqlite\): \d+ records, \d+ secrets, \d+ audit entries\n$/,
    );
  });
});
