// backupStore / restoreStore: counts, the audit chain and every seal verified; any failure restores nothing.
import { existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { afterEach, describe, expect, it } from "vitest";
import { randomBytes } from "../crypto/random.js";
import { Secret } from "../crypto/secret.js";
import { openStorage } from "../store/open.js";
import { finishBackupFile, inspectBackupFile } from "../store/sqlite/backup-file.js";
import { openTestSqliteStorage, rewriteSqliteAsSchema1, type TestStorage } from "../store/testing.js";
import { openAuditLog } from "./audit.js";
import { backupStore, restoreStore } from "./backup.js";
import type { KeywardConfig } from "./config.js";

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function audited(): Promise<{ t: TestStorage; work: string; source: KeywardConfig }> {
  const t = await openTestSqliteStorage();
  const work = mkdtempSync(join(tmpdir(), "keyward-backup-service-"));
  cleanups.push(t.cleanup, () => rmSync(work, { recursive: true, force: true }));
  await t.storage.secrets.put("user", "token", Secret.from(new TextEncoder().encode("value-1")));
  const log = await openAuditLog(t.storage);
  for (let i = 0; i < 5; i++)
    await t.storage.transaction((tx) => log.append(tx, { kind: "test.event", subject: `s${i}` }));
  log.close();
  return { t, work, source: { dataDir: t.dir, db: undefined, unseal: { key: t.key } } };
}

const target = (dataDir: string, key: Uint8Array): KeywardConfig => ({
  dataDir,
  db: undefined,
  unseal: { key },
});

describe("backupStore and restoreStore", () => {
  it("round trip: counts match, the restored chain verifies and the secret opens", async () => {
    const { t, work, source } = await audited();
    const out = join(work, "kw.backup");
    const b = await backupStore(source, { out });
    // Records: the user secret has none; the audit log has 5 entries, its head and its key claim.
    expect(b).toMatchObject({ file: out, source: "sqlite", secrets: 2, auditEntries: 5, records: 7 });
    const dataDir = join(work, "restored");
    const r = await restoreStore(target(dataDir, t.key), out);
    expect(r).toMatchObject({
      target: dataDir,
      records: 7,
      secrets: 2,
      auditEntries: 5,
      createdAt: b.createdAt,
    });
    const storage = await openStorage({ dataDir, unseal: { key: t.key } });
    try {
      const log = await openAuditLog(storage);
      expect(await log.verify()).toEqual({ ok: true, entries: 5 });
      log.close();
      expect(new TextDecoder().decode((await storage.secrets.get("user", "token"))!.expose())).toBe(
        "value-1",
      );
    } finally {
      await storage.close();
    }
  });

  it("the backup file holds the audit entries as the log's rows, counted and digested in its manifest", async () => {
    const { work, source } = await audited();
    const out = join(work, "kw.backup");
    await backupStore(source, { out });
    const db = new Database(out, { readonly: true });
    try {
      expect(db.prepare("SELECT seq FROM kw_log ORDER BY seq").pluck().all()).toEqual([1, 2, 3, 4, 5]);
      expect(db.prepare("SELECT COUNT(*) FROM kw_state WHERE tbl = 'audit.entry'").pluck().get()).toBe(0);
      const manifest = JSON.parse(db.prepare("SELECT value FROM kw_backup").pluck().get() as string);
      expect(manifest).toMatchObject({ schema: 3, counts: { log: 5, secrets: 2, state: 2 } });
    } finally {
      db.close();
    }
    // A removed log row is caught by the digest too (the audit check, run first, names it: see the CLI tests).
    const copy = new Database(out);
    copy.prepare("DELETE FROM kw_log WHERE seq = 5").run();
    copy.close();
    expect(inspectBackupFile(out).contentProblem).toMatch(/lists 2 records, 5 audit entries.*holds 2, 4/);
  });

  it("a backup written before the log (storage schema 1, entries as state rows) restores into the log", async () => {
    const { t, work, source } = await audited();
    const out = join(work, "kw.backup");
    await backupStore(source, { out });
    rewriteSqliteAsSchema1(out);
    // Its manifest as schema 1 wrote it: no log count, the digest over the state rows that held the entries.
    finishBackupFile(out, "sqlite");
    const db = new Database(out);
    db.prepare("UPDATE kw_backup SET value = json_remove(value, '$.counts.log')").run();
    expect(JSON.parse(db.prepare("SELECT value FROM kw_backup").pluck().get() as string)).toMatchObject({
      schema: 1,
      counts: { state: 7 },
    });
    db.close();
    const dataDir = join(work, "restored");
    const r = await restoreStore(target(dataDir, t.key), out);
    expect(r).toMatchObject({ records: 7, secrets: 2, auditEntries: 5 });
    const storage = await openStorage({ dataDir, unseal: { key: t.key } });
    try {
      const log = await openAuditLog(storage);
      expect(await log.verify()).toEqual({ ok: true, entries: 5 });
      log.close();
      expect((await storage.log.last())?.seq).toBe(5);
    } finally {
      await storage.close();
    }
  });

  it("wrong unseal material: unseal_failed naming the material, nothing restored", async () => {
    const { work, source } = await audited();
    const out = join(work, "kw.backup");
    await backupStore(source, { out });
    const dataDir = join(work, "restored");
    const err = await restoreStore(target(dataDir, randomBytes(32)), out).catch((e) => e);
    expect(err).toMatchObject({ code: "unseal_failed" });
    expect(err.message).toMatch(/nothing was restored/);
    await expect(restoreStore({ dataDir, db: undefined, unseal: undefined }, out)).rejects.toMatchObject({
      code: "unseal_failed",
    });
    expect(readdirSync(work)).toEqual(["kw.backup"]);
  });

  it("a changed audit entry: audit_broken naming the entry, nothing restored", async () => {
    const { t, work, source } = await audited();
    const out = join(work, "kw.backup");
    await backupStore(source, { out });
    const db = new Database(out);
    const row = db.prepare("SELECT value FROM kw_log WHERE seq = ?").pluck().get(3);
    // The binary entry row (docs/wire-format.md, "Audit"): format byte, then seq and time as u64 BE.
    const entry = Buffer.from(row as Buffer);
    entry.writeBigUInt64BE(entry.readBigUInt64BE(9) + 1n, 9);
    db.prepare("UPDATE kw_log SET value = ? WHERE seq = ?").run(entry, 3);
    db.close();
    const dataDir = join(work, "restored");
    await expect(restoreStore(target(dataDir, t.key), out)).rejects.toThrow(
      /^audit chain broken at entry 3: entry hash does not match its contents \(modified\); nothing was restored$/,
    );
    expect(existsSync(dataDir)).toBe(false);
    expect(readdirSync(work)).toEqual(["kw.backup"]);
  });

  it("a changed record outside the audit log and the seals: backup_invalid (digest), nothing restored", async () => {
    const { t, work, source } = await audited();
    await t.storage.state.put("test.plain", "k", new Uint8Array([1, 2, 3]));
    const out = join(work, "kw.backup");
    await backupStore(source, { out });
    const db = new Database(out);
    db.prepare("UPDATE kw_state SET value = ? WHERE tbl = 'test.plain'").run(Buffer.from([1, 2, 4]));
    db.close();
    const dataDir = join(work, "restored");
    await expect(restoreStore(target(dataDir, t.key), out)).rejects.toMatchObject({
      code: "backup_invalid",
      message: expect.stringMatching(/digest.*nothing was restored/),
    });
    expect(readdirSync(work)).toEqual(["kw.backup"]);
  });
});
