// Backup files and staged restores on real SQLite files: atomic 0600 files, refusals, tamper detection.
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { afterEach, describe, expect, it } from "vitest";
import { restoreVerified } from "../../test/staged-restore.js";
import { Secret } from "../crypto/secret.js";
import { stageRestore, verifyAllSeals, writeBackup } from "./backup.js";
import { openStorage } from "./open.js";
import { contentSummary } from "./sqlite/backup-content.js";
import { inspectBackupFile } from "./sqlite/backup-file.js";
import { openTestSqliteStorage, type TestStorage } from "./testing.js";

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

const enc = new TextEncoder();

async function seeded(): Promise<TestStorage & { work: string }> {
  const t = await openTestSqliteStorage();
  const work = mkdtempSync(join(tmpdir(), "keyward-backup-test-"));
  cleanups.push(t.cleanup, () => rmSync(work, { recursive: true, force: true }));
  await t.storage.state.put("test.records", "a", enc.encode("one"));
  await t.storage.state.put("test.records", "b", enc.encode("two"));
  await t.storage.secrets.put("app", "api-key", Secret.from(enc.encode("s3cr3t-backup-value")));
  await t.storage.secrets.put("app", "other", Secret.from(enc.encode("second-value")));
  return { ...t, work };
}

describe("writeBackup", () => {
  it("writes one self-contained 0600 file whose manifest counts every row; secrets stay sealed", async () => {
    const t = await seeded();
    const out = join(t.work, "kw.backup");
    const written = await writeBackup({ db: t.dbUrl, out });
    expect(written.file).toBe(out);
    expect(statSync(out).mode & 0o777).toBe(0o600);
    expect(readdirSync(t.work)).toEqual(["kw.backup"]); // no temp, journal or -wal left next to it
    expect(written.manifest).toMatchObject({
      format: "keyward-backup",
      version: 1,
      source: "sqlite",
      schema: 3,
      counts: { state: 2, secrets: 2, log: 0 },
      tables: { "test.records": 2 },
    });
    expect(written.manifest.counts.meta).toBeGreaterThanOrEqual(2); // root parameters + data key 1
    const bytes = readFileSync(out);
    expect(bytes.includes(Buffer.from("s3cr3t-backup-value"))).toBe(false);
    expect(inspectBackupFile(out)).toEqual({ manifest: written.manifest });
  });

  it("refuses to overwrite without force, replaces with force, and refuses the store's own file", async () => {
    const t = await seeded();
    const out = join(t.work, "kw.backup");
    writeFileSync(out, "precious");
    await expect(writeBackup({ db: t.dbUrl, out })).rejects.toMatchObject({ code: "already_exists" });
    expect(readFileSync(out, "utf8")).toBe("precious");
    await writeBackup({ db: t.dbUrl, out, force: true });
    expect(inspectBackupFile(out).manifest.counts.secrets).toBe(2);
    const dbFile = t.dbUrl.slice("sqlite:".length);
    await expect(writeBackup({ db: t.dbUrl, out: dbFile, force: true })).rejects.toMatchObject({
      code: "invalid_input",
    });
    await expect(writeBackup({ db: t.dbUrl, out: t.work, force: true })).rejects.toThrow("names a directory");
    await expect(writeBackup({ db: t.dbUrl, out: join(t.work, "no/such/dir/f") })).rejects.toMatchObject({
      code: "invalid_input",
    });
    await expect(
      writeBackup({ dataDir: join(t.work, "nothing"), out: join(t.work, "x") }),
    ).rejects.toMatchObject({
      code: "not_initialized",
    });
    expect(existsSync(join(t.work, "nothing"))).toBe(false);
  });
});

describe("stageRestore", () => {
  it("restores into a new data dir: same rows, every secret opens with the key", async () => {
    const t = await seeded();
    const out = join(t.work, "kw.backup");
    const { manifest } = await writeBackup({ db: t.dbUrl, out });
    const dataDir = join(t.work, "deep", "restored");
    await restoreVerified(out, { dataDir }, t.key);
    expect(readdirSync(join(t.work, "deep"))).toEqual(["restored"]); // no staging dir left
    expect(readdirSync(dataDir)).toEqual(["keyward.db"]);
    expect(statSync(join(dataDir, "keyward.db")).mode & 0o777).toBe(0o600);
    const restored = await openStorage({ dataDir, unseal: { key: t.key } });
    try {
      const got = await restored.secrets.get("app", "api-key");
      expect(new TextDecoder().decode(got!.expose())).toBe("s3cr3t-backup-value");
      expect(await restored.state.get("test.records", "b")).toEqual(enc.encode("two"));
      // No manifest table in a live store; its content is the backup's.
      const db = new Database(join(dataDir, "keyward.db"), { readonly: true });
      try {
        expect(db.prepare("SELECT name FROM sqlite_master WHERE name = 'kw_backup'").get()).toBeUndefined();
        expect(contentSummary(db).digest).toBe(manifest.digest);
      } finally {
        db.close();
      }
    } finally {
      await restored.close();
    }
  });

  it("refuses a non-empty data dir or an existing database file, naming the path, and writes nothing", async () => {
    const t = await seeded();
    const out = join(t.work, "kw.backup");
    await writeBackup({ db: t.dbUrl, out });
    const busy = join(t.work, "busy");
    mkdirSync(busy);
    writeFileSync(join(busy, "unrelated.txt"), "x");
    await expect(stageRestore(out, { dataDir: busy })).rejects.toThrow(`${busy} is not empty`);
    const file = join(t.work, "exists.db");
    writeFileSync(file, "");
    await expect(stageRestore(out, { db: `sqlite:${file}` })).rejects.toThrow(`${file} already exists`);
    expect(readdirSync(t.work).sort()).toEqual(["busy", "exists.db", "kw.backup"]);
    // An empty directory is fine and is replaced by the restored one.
    const empty = join(t.work, "empty");
    mkdirSync(empty);
    await restoreVerified(out, { dataDir: empty }, t.key);
    expect(readdirSync(empty)).toEqual(["keyward.db"]);
    // A custom database file path.
    const custom = join(t.work, "custom.db");
    const staged = await stageRestore(out, { db: `sqlite:${custom}` });
    await staged.commit();
    expect(statSync(custom).isFile()).toBe(true);
    expect(readdirSync(t.work).filter((f) => f.includes("restore"))).toEqual([]);
  });

  it("refuses what is not a backup, and reports a changed row as a content problem", async () => {
    const t = await seeded();
    const junk = join(t.work, "junk.backup");
    writeFileSync(junk, "not a database at all, just text ".repeat(200));
    await expect(stageRestore(junk, { dataDir: join(t.work, "r1") })).rejects.toMatchObject({
      code: "backup_invalid",
    });
    // A live keyward database has no manifest.
    await expect(stageRestore(t.dbUrl.slice(7), { dataDir: join(t.work, "r2") })).rejects.toThrow(
      "not a keyward backup",
    );
    await expect(
      stageRestore(join(t.work, "missing"), { dataDir: join(t.work, "r3") }),
    ).rejects.toMatchObject({
      code: "not_found",
    });
    const out = join(t.work, "kw.backup");
    await writeBackup({ db: t.dbUrl, out });
    const db = new Database(out);
    db.prepare("UPDATE kw_state SET value = ? WHERE tbl = 'test.records' AND key = 'a'").run(
      enc.encode("One"),
    );
    db.close();
    expect(inspectBackupFile(out).contentProblem).toMatch(/does not match the manifest's digest/);
    const db2 = new Database(out);
    db2.prepare("DELETE FROM kw_state WHERE key = 'b'").run();
    db2.close();
    expect(inspectBackupFile(out).contentProblem).toMatch(/lists 2 records.*holds 1/);
    const staged = await stageRestore(out, { dataDir: join(t.work, "r4") });
    staged.abort();
    expect(readdirSync(t.work).sort()).toEqual(["junk.backup", "kw.backup"]);
  });

  it("verifyAllSeals names the secret whose sealed bytes were changed; abort leaves nothing", async () => {
    const t = await seeded();
    const out = join(t.work, "kw.backup");
    await writeBackup({ db: t.dbUrl, out });
    const db = new Database(out);
    const sealed = db
      .prepare("SELECT sealed FROM kw_secret WHERE ns = 'app' AND name = 'other'")
      .pluck()
      .get() as Buffer;
    sealed[sealed.length - 1]! ^= 1;
    db.prepare("UPDATE kw_secret SET sealed = ? WHERE ns = 'app' AND name = 'other'").run(sealed);
    db.close();
    const dataDir = join(t.work, "new", "restored");
    const staged = await stageRestore(out, { dataDir });
    const storage = await openStorage({ db: staged.dbUrl, unseal: { key: t.key } });
    await expect(verifyAllSeals(storage)).rejects.toThrow("secret app/other does not open");
    await storage.close();
    staged.abort();
    expect(existsSync(join(t.work, "new"))).toBe(false);
  });
});
