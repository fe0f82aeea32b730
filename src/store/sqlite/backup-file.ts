// The keyward backup file: a self-contained SQLite database (keyward's tables) plus a `kw_backup` manifest.
import Database from "better-sqlite3";
import { KeywardError } from "../../errors/keyward-error.js";
import type { LogRow } from "../ports.js";
import { KEYRING_PREFIX } from "../sealing/keyring.js";
import { type ContentSummary, contentSummary, hasLogTable } from "./backup-content.js";
import { SQLITE_MIGRATIONS } from "./migrations.js";

type Db = Database.Database;

/** Format name and version written into every manifest. */
export const BACKUP_FORMAT = "keyward-backup";
export const BACKUP_VERSION = 1;

/** What a backup file says about itself (plain JSON in its `kw_backup` table; no secret in it). */
export interface BackupManifest extends ContentSummary {
  readonly format: typeof BACKUP_FORMAT;
  readonly version: number;
  /** ISO time the snapshot was taken. */
  readonly createdAt: string;
  /** The backend the snapshot was taken from. */
  readonly source: "sqlite" | "postgres";
}

/** One row of each keyward table, as stored. */
export interface MetaRow {
  readonly key: string;
  readonly value: Uint8Array;
}
export interface StateRow {
  readonly tbl: string;
  readonly key: string;
  readonly value: Uint8Array;
}
export interface SecretRow {
  readonly ns: string;
  readonly name: string;
  readonly keyVersion: number;
  readonly sealed: Uint8Array;
}

/** Rows a backend exports into a backup file, in batches (any order; the file keeps key order). */
export interface BackupSink {
  meta(rows: readonly MetaRow[]): void;
  state(rows: readonly StateRow[]): void;
  secrets(rows: readonly SecretRow[]): void;
  log(rows: readonly LogRow[]): void;
}

/**
 * Creates an empty keyward database at `path` (an existing empty file is fine) for a backend export, and
 * returns a sink that writes rows into it; call `close()` when done (commits).
 */
export function openBackupWriter(path: string): BackupSink & { close(): void } {
  const db = new Database(path);
  try {
    db.pragma("journal_mode = DELETE");
    db.exec(
      "CREATE TABLE kw_schema (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL)",
    );
    const now = Date.now();
    for (const m of SQLITE_MIGRATIONS) {
      db.exec(m.sql);
      db.prepare("INSERT INTO kw_schema (version, name, applied_at) VALUES (?, ?, ?)").run(
        m.version,
        m.name,
        now,
      );
    }
  } catch (err) {
    db.close();
    throw err;
  }
  const meta = db.prepare("INSERT INTO kw_meta (key, value) VALUES (?, ?)");
  const state = db.prepare("INSERT INTO kw_state (tbl, key, value) VALUES (?, ?, ?)");
  const secret = db.prepare("INSERT INTO kw_secret (ns, name, key_version, sealed) VALUES (?, ?, ?, ?)");
  const log = db.prepare("INSERT INTO kw_log (seq, value) VALUES (?, ?)");
  db.exec("BEGIN");
  return {
    meta: (rows) => {
      for (const r of rows) meta.run(r.key, r.value);
    },
    state: (rows) => {
      for (const r of rows) state.run(r.tbl, r.key, r.value);
    },
    secrets: (rows) => {
      for (const r of rows) secret.run(r.ns, r.name, r.keyVersion, r.sealed);
    },
    log: (rows) => {
      for (const r of rows) log.run(r.seq, r.value);
    },
    close: () => {
      try {
        if (db.inTransaction) db.exec("COMMIT");
      } finally {
        db.close();
      }
    },
  };
}

/**
 * Turns a copied keyward database at `path` into a backup file: one self-contained file (rollback journal,
 * no -wal), with its manifest. Refuses a database without a sealed keyring (nothing a restore could open).
 * @throws KeywardError `not_initialized`.
 */
export function finishBackupFile(path: string, source: BackupManifest["source"]): BackupManifest {
  const db = new Database(path);
  try {
    db.pragma("journal_mode = DELETE");
    const keys = db
      .prepare("SELECT COUNT(*) FROM kw_meta WHERE key >= ? AND key < ?")
      .pluck()
      .get(KEYRING_PREFIX, `${KEYRING_PREFIX}\u{10FFFF}`) as number;
    if (keys === 0)
      throw new KeywardError("not_initialized", "the store is not initialised: there is nothing to back up");
    const manifest: BackupManifest = {
      format: BACKUP_FORMAT,
      version: BACKUP_VERSION,
      createdAt: new Date().toISOString(),
      source,
      ...contentSummary(db),
    };
    db.exec("DROP TABLE IF EXISTS kw_backup");
    db.exec("CREATE TABLE kw_backup (key TEXT PRIMARY KEY, value TEXT NOT NULL)");
    db.prepare("INSERT INTO kw_backup (key, value) VALUES ('manifest', ?)").run(JSON.stringify(manifest));
    return manifest;
  } finally {
    db.close();
  }
}

function isManifest(m: unknown): m is BackupManifest {
  if (typeof m !== "object" || m === null) return false;
  const x = m as Record<string, unknown>;
  const c = x.counts as Record<string, unknown> | undefined;
  const int = (v: unknown) => Number.isSafeInteger(v) && (v as number) >= 0;
  return (
    x.format === BACKUP_FORMAT &&
    int(x.version) &&
    typeof x.createdAt === "string" &&
    (x.source === "sqlite" || x.source === "postgres") &&
    int(x.schema) &&
    typeof c === "object" &&
    c !== null &&
    int(c.meta) &&
    int(c.state) &&
    int(c.secrets) &&
    (c.log === undefined || int(c.log)) &&
    typeof x.tables === "object" &&
    x.tables !== null &&
    typeof x.digest === "string" &&
    /^[0-9a-f]{64}$/.test(x.digest)
  );
}

/**
 * Opens a backup file read-only and checks its structure: a SQLite database (`PRAGMA integrity_check`) with a
 * keyward manifest of a known version. Returns the manifest and the problem with its content, if any (counts
 * or digest differ: the file was changed after it was written), which the caller reports after the more
 * specific seal and audit checks.
 * @throws KeywardError `backup_invalid` naming the file and what is wrong.
 */
export function inspectBackupFile(path: string): { manifest: BackupManifest; contentProblem?: string } {
  const bad = (why: string) => new KeywardError("backup_invalid", `${path} is not a usable backup: ${why}`);
  let db: Db;
  try {
    db = new Database(path, { readonly: true, fileMustExist: true });
  } catch {
    throw bad("it cannot be opened as a SQLite database");
  }
  try {
    let manifest: unknown;
    try {
      const check = db.prepare("PRAGMA integrity_check").pluck().all() as string[];
      if (check[0] !== "ok") throw bad("the SQLite file is corrupt");
      const text = db.prepare("SELECT value FROM kw_backup WHERE key = 'manifest'").pluck().get();
      manifest = typeof text === "string" ? JSON.parse(text) : undefined;
    } catch (err) {
      if (err instanceof KeywardError) throw err;
      throw bad("it is not a keyward backup (no manifest)");
    }
    if (!isManifest(manifest)) throw bad("its manifest is malformed");
    if (manifest.version > BACKUP_VERSION)
      throw bad(`format version ${manifest.version} is newer than this keyward reads (${BACKUP_VERSION})`);
    const known = SQLITE_MIGRATIONS[SQLITE_MIGRATIONS.length - 1]!.version;
    if (manifest.schema > known)
      throw bad(`storage schema ${manifest.schema} is newer than this keyward knows (${known})`);
    let summary: ContentSummary;
    try {
      summary = contentSummary(db);
    } catch {
      throw bad("its keyward tables are missing or malformed");
    }
    const c = manifest.counts;
    const s = summary.counts;
    let contentProblem: string | undefined;
    const log = c.log ?? 0;
    if (c.meta !== s.meta || c.state !== s.state || c.secrets !== s.secrets || log !== s.log)
      contentProblem = `the manifest lists ${c.state} records, ${log} audit entries, ${c.secrets} secrets and ${c.meta} keyring rows; the file holds ${s.state}, ${s.log}, ${s.secrets} and ${s.meta}`;
    else if (summary.digest !== manifest.digest)
      contentProblem =
        "its content does not match the manifest's digest (the file was changed after it was written)";
    return contentProblem ? { manifest, contentProblem } : { manifest };
  } finally {
    db.close();
  }
}

/**
 * Turns a copy of a backup file into a live keyward database: drops the manifest table and switches to WAL.
 */
export function backupToDatabase(path: string): void {
  const db = new Database(path, { fileMustExist: true });
  try {
    db.exec("DROP TABLE IF EXISTS kw_backup");
    db.pragma("journal_mode = WAL");
  } finally {
    db.close();
  }
}

/** Streams the rows of a backup (or keyward) database in key order, `batch` rows at a time. */
export function* backupRows(
  path: string,
  batch = 1000,
): Generator<
  | { kind: "meta"; rows: MetaRow[] }
  | { kind: "state"; rows: StateRow[] }
  | { kind: "secrets"; rows: SecretRow[] }
  | { kind: "log"; rows: LogRow[] }
> {
  const db = new Database(path, { readonly: true, fileMustExist: true });
  try {
    let meta: MetaRow[] = [];
    for (const r of db
      .prepare("SELECT key, value FROM kw_meta ORDER BY key")
      .iterate() as Iterable<MetaRow>) {
      meta.push(r);
      if (meta.length === batch) yield { kind: "meta", rows: meta.splice(0) };
    }
    if (meta.length) yield { kind: "meta", rows: meta };
    meta = [];
    const state: StateRow[] = [];
    for (const r of db
      .prepare("SELECT tbl, key, value FROM kw_state ORDER BY tbl, key")
      .iterate() as Iterable<StateRow>) {
      state.push(r);
      if (state.length === batch) yield { kind: "state", rows: state.splice(0) };
    }
    if (state.length) yield { kind: "state", rows: state.splice(0) };
    const secrets: SecretRow[] = [];
    const all = db.prepare(
      "SELECT ns, name, key_version AS keyVersion, sealed FROM kw_secret ORDER BY ns, name",
    );
    for (const r of all.iterate() as Iterable<SecretRow>) {
      secrets.push(r);
      if (secrets.length === batch) yield { kind: "secrets", rows: secrets.splice(0) };
    }
    if (secrets.length) yield { kind: "secrets", rows: secrets.splice(0) };
    if (!hasLogTable(db)) return;
    const log: LogRow[] = [];
    for (const r of db.prepare("SELECT seq, value FROM kw_log ORDER BY seq").iterate() as Iterable<LogRow>) {
      log.push(r);
      if (log.length === batch) yield { kind: "log", rows: log.splice(0) };
    }
    if (log.length) yield { kind: "log", rows: log.splice(0) };
  } finally {
    db.close();
  }
}
