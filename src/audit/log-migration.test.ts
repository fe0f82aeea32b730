// Storage schema 2 on a store written with schema 1's layout: entries kept as state rows move into the log.
import Database from "better-sqlite3";
import pg from "pg";
import { afterEach, describe, expect, it } from "vitest";
import { openStorage } from "../store/open.js";
import type { Storage } from "../store/ports.js";
import {
  rewritePostgresAsSchema1,
  rewriteSqliteAsSchema1,
  TEST_BACKENDS,
  TEST_PG_URL,
  type TestStorage,
} from "../store/testing.js";
import { AuditLog } from "./audit-log.js";
import { auditMacKey, legacyChain } from "./test-legacy-rows.js";
import type { AuditEntry } from "./types.js";

const open: TestStorage[] = [];
afterEach(async () => {
  for (const t of open.splice(0)) await t.cleanup();
});

/** A row of the state table as schema 1 stored it: table, key, value. */
type OldRow = readonly [tbl: string, key: string, value: Buffer];

const UPSERT =
  "INSERT INTO kw_state (tbl, key, value) VALUES ($1, $2, $3) ON CONFLICT (tbl, key) DO UPDATE SET value = excluded.value";

// Schema 1's layout, written with each backend's own SQL: entries as `audit.entry` state rows keyed by the
// 16-digit decimal seq, no log table, no record of migration 2. `rows` are then written into the state table
// (added, or replacing the row of their key).
const OLD_LAYOUT: Record<"sqlite" | "postgres", (t: TestStorage, rows: OldRow[]) => Promise<void>> = {
  async sqlite(t, rows) {
    const path = t.dbUrl.slice("sqlite:".length);
    rewriteSqliteAsSchema1(path);
    const db = new Database(path);
    try {
      for (const r of rows) db.prepare(UPSERT.replace(/\$\d/g, "?")).run(...r);
    } finally {
      db.close();
    }
  },
  async postgres(t, rows) {
    await rewritePostgresAsSchema1(t.dbUrl);
    const schema = new URL(t.dbUrl).searchParams.get("schema")!;
    const client = new pg.Client({ connectionString: TEST_PG_URL, options: `-c search_path=${schema}` });
    await client.connect();
    try {
      for (const r of rows) await client.query(UPSERT, [...r]);
    } finally {
      await client.end();
    }
  },
};

async function list(log: AuditLog): Promise<AuditEntry[]> {
  const out: AuditEntry[] = [];
  for await (const e of log.entries()) out.push(e);
  return out;
}

describe.each(TEST_BACKENDS)("storage schema 2 moves the audit entries into the log (%s)", (label, make) => {
  /**
   * A store with 4 entries as schema 1's versions wrote them (the first two as JSON rows, then binary v2 rows,
   * each hashed by the v2 construction), rewritten into schema 1's layout; then reopened.
   */
  async function oldStore(extra: OldRow[] = []): Promise<{ t: TestStorage; before: AuditEntry[] }> {
    const t = await make();
    open.push(t);
    const writer = await AuditLog.open(t.storage);
    for (let i = 0; i < 4; i++)
      await t.storage.transaction((tx) => writer.append(tx, { kind: "test.old", subject: `s${i}` }));
    const legacy = legacyChain(await auditMacKey(t.storage), await list(writer), (seq) =>
      seq <= 2 ? "json" : "v2",
    );
    writer.close();
    await t.storage.close();
    const key = (e: AuditEntry) => String(e.seq).padStart(16, "0");
    const rows = legacy.entries.map((e, i): OldRow => ["audit.entry", key(e), Buffer.from(legacy.rows[i]!)]);
    await OLD_LAYOUT[label](t, [...rows, ["audit.head", "head", Buffer.from(legacy.head)], ...extra]);
    return { t, before: legacy.entries };
  }

  it("every entry (JSON and binary rows) moves in one step; the chain verifies and continues", async () => {
    const { t, before } = await oldStore();
    const storage = await openStorage({ db: t.dbUrl, unseal: { key: t.key } });
    try {
      const log = await AuditLog.open(storage);
      expect(await log.verify()).toEqual({ ok: true, entries: 4 });
      expect(await list(log)).toEqual(before);
      expect((await storage.log.get(1))![0]).toBe(0x7b);
      expect((await storage.log.get(3))![0]).toBe(0x02);
      expect((await storage.log.get(4))![0]).toBe(0x02);
      expect(await stateKeys(storage)).toEqual([]);
      const next = await storage.transaction((tx) => log.append(tx, { kind: "test.new", subject: "5" }));
      expect(next).toMatchObject({ seq: 5, prev: before[3]!.hash });
      expect((await storage.log.get(5))![0]).toBe(0x03);
      expect(await log.verify()).toEqual({ ok: true, entries: 5 });
      log.close();
    } finally {
      await storage.close();
    }
  });

  it("a row under a key that is no sequence number stays behind, and verify refuses it", async () => {
    const odd: OldRow = ["audit.entry", "0000000000000000", Buffer.from("{}")];
    const bad: OldRow = ["audit.entry", "00000000000003x", Buffer.from("{}")];
    const { t } = await oldStore([odd, bad]);
    const storage = await openStorage({ db: t.dbUrl, unseal: { key: t.key } });
    try {
      const log = await AuditLog.open(storage);
      expect(await stateKeys(storage)).toEqual([odd[1], bad[1]]);
      expect(await log.verify()).toEqual({
        ok: false,
        entries: 4,
        firstBadSeq: 5,
        reason: "a row is stored outside the log (state table audit.entry)",
      });
      log.close();
    } finally {
      await storage.close();
    }
  });
});

async function stateKeys(storage: Storage): Promise<string[]> {
  const keys: string[] = [];
  for await (const { key } of storage.state.scan("audit.entry")) keys.push(key);
  return keys;
}
