// What a backup file's manifest says about its rows: the storage schema, counts per table and one digest over them.
import { createHash } from "node:crypto";
import type Database from "better-sqlite3";

type Db = Database.Database;

/** The part of a manifest computed from the rows (`contentSummary`); checked again on restore. */
export interface ContentSummary {
  /** Highest storage schema version in the file (`kw_schema`). */
  readonly schema: number;
  /**
   * Rows per keyward table: meta (keyring and root-key parameters), state records, sealed secrets, rows of the
   * append-only log (the audit entries; absent from manifests written before storage schema 2, meaning 0).
   */
  readonly counts: {
    readonly meta: number;
    readonly state: number;
    readonly secrets: number;
    readonly log?: number;
  };
  /** State records per state table (e.g. `audit.head`). */
  readonly tables: Readonly<Record<string, number>>;
  /** SHA-256 (hex) over every row in key order (`contentSummary`): detects a damaged file. */
  readonly digest: string;
}

function u32(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32LE(n);
  return b;
}

function u64(n: number): Buffer {
  const b = Buffer.alloc(8);
  b.writeBigUInt64LE(BigInt(n));
  return b;
}

/** True when `db` has the append-only log's table (storage schema 2 and later). */
export function hasLogTable(db: Db): boolean {
  return (
    db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'kw_log'").get() !== undefined
  );
}

function field(h: ReturnType<typeof createHash>, v: string | Uint8Array): void {
  const b = typeof v === "string" ? Buffer.from(v, "utf8") : v;
  h.update(u32(b.length));
  h.update(b);
}

/** Counts and digest of the keyward tables of `db`, streamed in key order (constant memory). */
export function contentSummary(db: Db): ContentSummary {
  const h = createHash("sha256");
  h.update("keyward v1 backup-content");
  let schema = 0;
  for (const r of db.prepare("SELECT version, name FROM kw_schema ORDER BY version").iterate() as Iterable<{
    version: number;
    name: string;
  }>) {
    h.update(Buffer.from([0]));
    h.update(u32(r.version));
    field(h, r.name);
    schema = r.version;
  }
  const counts = { meta: 0, state: 0, secrets: 0 };
  const tables: Record<string, number> = {};
  const metas = db.prepare("SELECT key, value FROM kw_meta ORDER BY key").iterate();
  for (const r of metas as Iterable<{ key: string; value: Buffer }>) {
    h.update(Buffer.from([1]));
    field(h, r.key);
    field(h, r.value);
    counts.meta++;
  }
  const states = db.prepare("SELECT tbl, key, value FROM kw_state ORDER BY tbl, key").iterate();
  for (const r of states as Iterable<{ tbl: string; key: string; value: Buffer }>) {
    h.update(Buffer.from([2]));
    field(h, r.tbl);
    field(h, r.key);
    field(h, r.value);
    counts.state++;
    tables[r.tbl] = (tables[r.tbl] ?? 0) + 1;
  }
  const secrets = db
    .prepare("SELECT ns, name, key_version, sealed FROM kw_secret ORDER BY ns, name")
    .iterate();
  for (const r of secrets as Iterable<{ ns: string; name: string; key_version: number; sealed: Buffer }>) {
    h.update(Buffer.from([3]));
    field(h, r.ns);
    field(h, r.name);
    h.update(u32(r.key_version));
    field(h, r.sealed);
    counts.secrets++;
  }
  // A file of storage schema 1 has no log table: its digest is the one that schema's manifest recorded.
  let log = 0;
  const logs = hasLogTable(db) ? db.prepare("SELECT seq, value FROM kw_log ORDER BY seq").iterate() : [];
  for (const r of logs as Iterable<{ seq: number; value: Buffer }>) {
    h.update(Buffer.from([4]));
    h.update(u64(r.seq));
    field(h, r.value);
    log++;
  }
  return { counts: { ...counts, log }, tables, digest: h.digest("hex"), schema };
}
