// One shared better-sqlite3 connection per database file per process, with its async mutex and migrations.
import { chmodSync, existsSync, mkdirSync, realpathSync } from "node:fs";
import { dirname, resolve } from "node:path";
import Database from "better-sqlite3";
import { assertSchemaKnown } from "../schema-guard.js";
import { openFailure } from "./failures.js";
import { SQLITE_MIGRATIONS } from "./migrations.js";
import { type LogTail, newLogTail } from "./sqlite-log.js";

type Db = Database.Database;

/** A simple async mutex: better-sqlite3 is synchronous, but a transaction spans awaits. */
export class Mutex {
  #tail: Promise<void> = Promise.resolve();
  run<T>(fn: () => Promise<T>): Promise<T> {
    const result = this.#tail.then(fn);
    this.#tail = result.then(
      () => undefined,
      () => undefined,
    );
    return result;
  }
}

/** A connection shared by every backend instance this process opened on one file. */
export interface SharedSqlite {
  readonly db: Db;
  readonly mutex: Mutex;
  refs: number;
  readonly id: string;
  /** True from a write the environment refused (disk full, read-only) until the next successful commit. */
  writeFailing: boolean;
  /** The append-only log's last row as this connection knows it (sqlite-log.ts). */
  readonly logTail: LogTail;
}

// Two connections to one file in one process would deadlock: a transaction holds the write lock across awaits
// while the other connection's synchronous busy-wait blocks the event loop that would finish it. Sharing one
// connection (and its mutex) per file makes same-process instances queue instead.
const open = new Map<string, SharedSqlite>();

function migrate(db: Db): void {
  db.exec(
    "CREATE TABLE IF NOT EXISTS kw_schema (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL)",
  );
  const row = db.prepare("SELECT MAX(version) AS v FROM kw_schema").get() as { v: number | null };
  const current = row.v ?? 0;
  assertSchemaKnown(current, SQLITE_MIGRATIONS);
  for (const m of SQLITE_MIGRATIONS) {
    if (m.version <= current) continue;
    // IMMEDIATE: two processes migrating at once serialise on the write lock; the loser re-checks nothing,
    // so re-read inside the transaction.
    db.transaction(() => {
      const again = db.prepare("SELECT 1 FROM kw_schema WHERE version = ?").get(m.version);
      if (again) return;
      db.exec(m.sql);
      db.prepare("INSERT INTO kw_schema (version, name, applied_at) VALUES (?, ?, ?)").run(
        m.version,
        m.name,
        Date.now(),
      );
    }).immediate();
  }
}

/** Bytes of the database file SQLite reads through mmap (WAL content is still read the usual way). */
const MMAP_BYTES = 1 << 30;

/** Opens (or shares) the connection for `path`: WAL, NORMAL sync, busy timeout, migrations applied. */
export function acquireSqlite(path: string): SharedSqlite {
  try {
    return acquireOrOpen(path);
  } catch (err) {
    // Disk full, read-only, corrupt file, symlink loop: one line naming the file and the cause (issue #23).
    throw openFailure(err, path) ?? err;
  }
}

function acquireOrOpen(path: string): SharedSqlite {
  if (path !== ":memory:") mkdirSync(dirname(resolve(path)), { recursive: true });
  const id =
    path === ":memory:" ? `:memory:${Math.random()}` : existsSync(path) ? realpathSync(path) : resolve(path);
  const existing = open.get(id);
  if (existing) {
    existing.refs++;
    return existing;
  }
  const created = path !== ":memory:" && !existsSync(path);
  const db = new Database(path);
  try {
    // Owner-only: the file holds sealed secrets and the wrapped keyring (SQLite gives -wal/-shm the same mode).
    if (created) chmodSync(path, 0o600);
    db.pragma("journal_mode = WAL");
    db.pragma("synchronous = NORMAL"); // WAL + NORMAL: atomic always, durable across process crashes.
    db.pragma("busy_timeout = 5000");
    // Reads of large values (the delegation index snapshot: tens of MB at start) through the page cache of a
    // memory map instead of one read() per 4 KiB page: a third of the CPU time of a cold start (issue 12).
    db.pragma(`mmap_size = ${MMAP_BYTES}`);
    migrate(db);
  } catch (err) {
    db.close();
    throw err;
  }
  const shared: SharedSqlite = {
    db,
    mutex: new Mutex(),
    refs: 1,
    id,
    writeFailing: false,
    logTail: newLogTail(),
  };
  open.set(id, shared);
  return shared;
}

/** Drops one reference; the last one closes the connection (after queued work finishes). */
export async function releaseSqlite(shared: SharedSqlite): Promise<void> {
  await shared.mutex.run(async () => {
    shared.refs--;
    if (shared.refs === 0) {
      open.delete(shared.id);
      shared.db.close();
    }
  });
}
