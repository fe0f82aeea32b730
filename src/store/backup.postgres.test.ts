// Backups of a PostgreSQL store (serializable export) restored into SQLite and into another PostgreSQL schema.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { afterEach, describe, expect, it } from "vitest";
import { restoreVerified } from "../../test/staged-restore.js";
import { bytesToHex } from "../crypto/bytes.js";
import { randomBytes } from "../crypto/random.js";
import { Secret } from "../crypto/secret.js";
import { stageRestore, writeBackup } from "./backup.js";
import { openStorage } from "./open.js";
import {
  dropTestSchema,
  openTestPostgresStorage,
  rewritePostgresAsSchema1,
  testPostgresUrl,
} from "./testing.js";

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

const enc = new TextEncoder();
const dec = new TextDecoder();

describe("backup of a PostgreSQL store", () => {
  it("exports one consistent snapshot while writers commit pairs; restores into SQLite and PostgreSQL", async () => {
    const t = await openTestPostgresStorage();
    const work = mkdtempSync(join(tmpdir(), "keyward-backup-pg-"));
    const schema = `kw_i23b_${bytesToHex(randomBytes(6))}`;
    cleanups.push(
      t.cleanup,
      () => rmSync(work, { recursive: true, force: true }),
      () => dropTestSchema(schema),
    );
    await t.storage.secrets.put("app", "api-key", Secret.from(enc.encode("pg-secret-value")));
    for (let i = 0; i < 1500; i++)
      await t.storage.state.put("test.bulk", String(i).padStart(5, "0"), enc.encode(`v${i}`));
    // Writers commit a state row and a secret together, racing the export: the file has both or neither.
    let stop = false;
    let committed = 0;
    const writers = Array.from({ length: 3 }, async (_, w) => {
      for (let i = 0; !stop; i++) {
        await t.storage.transaction(async (tx) => {
          await tx.state.put("test.pair", `${w}-${i}`, enc.encode("x"));
          await tx.secrets.put("pair", `${w}-${i}`, Secret.from(enc.encode(`pair-${w}-${i}`)));
        });
        committed++;
      }
    });
    while (committed < 20) await new Promise((r) => setTimeout(r, 10));
    const out = join(work, "pg.backup");
    const written = await writeBackup({ db: t.dbUrl, out });
    stop = true;
    await Promise.all(writers);
    expect(written.manifest.source).toBe("postgres");
    expect(written.manifest.tables["test.bulk"]).toBe(1500);
    const db = new Database(out, { readonly: true });
    const rows = db.prepare("SELECT key FROM kw_state WHERE tbl = 'test.pair' ORDER BY key").pluck().all();
    const secrets = db.prepare("SELECT name FROM kw_secret WHERE ns = 'pair' ORDER BY name").pluck().all();
    db.close();
    expect(rows.length).toBeGreaterThanOrEqual(20);
    expect(secrets).toEqual(rows);

    // Into a new SQLite data dir.
    const dataDir = join(work, "restored");
    await restoreVerified(out, { dataDir }, t.key);
    const sqlite = await openStorage({ dataDir, unseal: { key: t.key } });
    try {
      expect(dec.decode((await sqlite.secrets.get("app", "api-key"))!.expose())).toBe("pg-secret-value");
      expect(dec.decode((await sqlite.state.get("test.bulk", "01499"))!)).toBe("v1499");
    } finally {
      await sqlite.close();
    }

    // Into an empty PostgreSQL schema: every row, in one transaction.
    const url = testPostgresUrl(schema);
    await restoreVerified(out, { db: url }, t.key);
    const pgStore = await openStorage({ db: url, unseal: { key: t.key } });
    try {
      expect(dec.decode((await pgStore.secrets.get("app", "api-key"))!.expose())).toBe("pg-secret-value");
      const pairs = (await pgStore.secrets.list("pair")).length;
      expect(pairs).toBe(rows.length);
      let bulk = 0;
      for await (const _ of pgStore.state.scan("test.bulk")) bulk++;
      expect(bulk).toBe(1500);
    } finally {
      await pgStore.close();
    }

    // A store that holds anything is refused, and left as it was.
    await expect(stageRestore(out, { db: url })).rejects.toMatchObject({ code: "already_exists" });
    await expect(stageRestore(out, { db: t.dbUrl })).rejects.toThrow("the PostgreSQL store is not empty");
  });

  it("a store still in storage schema 1's layout is migrated before its export: the entries are log rows", async () => {
    const t = await openTestPostgresStorage();
    const work = mkdtempSync(join(tmpdir(), "keyward-backup-pg-"));
    cleanups.push(t.cleanup, () => rmSync(work, { recursive: true, force: true }));
    const rows = [1, 2, 3].map((seq) => ({ seq, value: enc.encode(`entry ${seq}`) }));
    await t.storage.transaction((tx) => tx.log.append(rows));
    await t.storage.close();
    await rewritePostgresAsSchema1(t.dbUrl);
    const out = join(work, "old.backup");
    const { manifest } = await writeBackup({ db: t.dbUrl, out });
    expect(manifest).toMatchObject({ schema: 3, counts: { log: 3 } });
    expect(manifest.tables["audit.entry"]).toBeUndefined();
    const db = new Database(out, { readonly: true });
    try {
      expect(db.prepare("SELECT seq, value FROM kw_log ORDER BY seq").all()).toEqual(
        rows.map((r) => ({ seq: r.seq, value: Buffer.from(r.value) })),
      );
    } finally {
      db.close();
    }
  });
});
