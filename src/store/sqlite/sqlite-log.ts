// The append-only log on SQLite: rows in a rowid table of their own (`kw_log`), its tail cached per connection.
import type Database from "better-sqlite3";
import { assertLogRows, assertSeq, pagedLogScan } from "../log-rows.js";
import { rowBytes as toBytes } from "../paged-scan.js";
import type { LogRow, LogScanOptions, LogWriter } from "../ports.js";

type Db = Database.Database;
/** Rows per multi-row INSERT of an append (a group-committed batch of audit entries is up to 256). */
const APPEND_ROWS = 64;

/**
 * The log's last row as this connection last read or committed it. It is valid while `PRAGMA data_version`
 * still reads `version`: SQLite changes that number when another connection (another process, or another
 * connection of this one) commits, never for this connection's own commits, which update the tail themselves.
 */
export interface LogTail {
  known: boolean;
  row: LogRow | undefined;
  version: number;
}

/** An unknown tail (a new connection): the first `last()` reads it. */
export function newLogTail(): LogTail {
  return { known: false, row: undefined, version: 0 };
}

// The Uint8Array constructor copies a typed array in one memcpy (Uint8Array.from iterates it byte by byte; a
// Buffer's slice() would be a view, not a copy).
const copy = (row: LogRow | undefined): LogRow | undefined =>
  row && { seq: row.seq, value: new Uint8Array(row.value) };

/**
 * The log of one SQLite connection. Inside a transaction (`inTransaction`), `last()` costs no statement when the
 * cached tail is still valid, which spares the audit chain's per-append read of its head: the transaction runs
 * under BEGIN IMMEDIATE, so `data_version` read inside it cannot move until it ends. The backend calls `begin`,
 * `committed` and `failed` around each transaction; outside one, appends are group-committed writes that forget
 * the tail.
 */
export class SqliteLog implements LogWriter {
  readonly #s;
  readonly #many: Database.Statement;
  /** The tail as this transaction sees it (after its own appends), when known. */
  #tx: { row: LogRow | undefined } | undefined;
  #wrote = false;
  #version: number | undefined;

  constructor(
    db: Db,
    private readonly tail: LogTail,
    private readonly serialize: <T>(fn: () => Promise<T>) => Promise<T>,
    private readonly write: <T>(fn: () => T) => Promise<T>,
    private readonly inTransaction: boolean,
  ) {
    this.#s = {
      get: db.prepare("SELECT value FROM kw_log WHERE seq = ?").pluck(),
      last: db.prepare("SELECT seq, value FROM kw_log ORDER BY seq DESC LIMIT 1"),
      insert: db.prepare("INSERT INTO kw_log (seq, value) VALUES (?, ?) ON CONFLICT (seq) DO NOTHING"),
      asc: db.prepare("SELECT seq, value FROM kw_log WHERE seq >= ? AND seq <= ? ORDER BY seq ASC LIMIT ?"),
      desc: db.prepare("SELECT seq, value FROM kw_log WHERE seq >= ? AND seq <= ? ORDER BY seq DESC LIMIT ?"),
      version: db.prepare("PRAGMA data_version").pluck(),
    };
    this.#many = db.prepare(
      `INSERT INTO kw_log (seq, value) VALUES ${Array(APPEND_ROWS).fill("(?, ?)").join(", ")} ON CONFLICT (seq) DO NOTHING`,
    );
  }

  get(seq: number): Promise<Uint8Array | undefined> {
    return this.serialize(async () => {
      assertSeq(seq);
      const v = this.#s.get.get(seq);
      return v === undefined ? undefined : toBytes(v);
    });
  }

  last(): Promise<LogRow | undefined> {
    return this.serialize(async () => {
      if (!this.inTransaction) return this.#read();
      if (this.#tx) return copy(this.#tx.row);
      const t = this.tail;
      // Internal rows are never handed out (callers get their own copy), so the cache and #tx may share one; a
      // read returns a fresh buffer of its own. After an append whose effect on the tail is unknown (a lost
      // race), only a read knows.
      const cached = !this.#wrote && t.known && t.version === this.#txVersion();
      const row = cached ? t.row : this.#read();
      // A read before this transaction's own appends shows committed rows only: it may become the cached tail.
      if (!this.#wrote) Object.assign(t, { known: true, row, version: this.#txVersion() });
      this.#tx = { row };
      return copy(row);
    });
  }

  scan(options: LogScanOptions = {}): AsyncIterable<LogRow> {
    return pagedLogScan(options, (lower, upper, reverse, limit) =>
      this.serialize(async () =>
        (
          (reverse ? this.#s.desc : this.#s.asc).all(lower, upper, limit) as { seq: number; value: Buffer }[]
        ).map((r) => ({ seq: r.seq, value: toBytes(r.value) })),
      ),
    );
  }

  async append(rows: readonly LogRow[]): Promise<number> {
    assertLogRows(rows);
    if (!this.inTransaction)
      return this.write(() => {
        this.tail.known = false;
        return this.#insert(rows);
      });
    this.#txVersion(); // read inside the transaction, before its commit can let another writer in
    const created = this.#insert(rows);
    this.#wrote = true;
    if (this.#tx && created === rows.length) {
      let top = this.#tx.row;
      for (const r of rows) if (!top || r.seq > top.seq) top = r;
      this.#tx = { row: copy(top) };
    } else this.#tx = undefined;
    return created;
  }

  /** A transaction of this connection starts. */
  begin(): void {
    this.#tx = undefined;
    this.#wrote = false;
    this.#version = undefined;
  }

  /** It committed: its appends' tail becomes the connection's (unknown if an append lost a race). */
  committed(): void {
    if (!this.#wrote) return;
    if (this.#tx) Object.assign(this.tail, { known: true, row: this.#tx.row, version: this.#version });
    else this.tail.known = false;
  }

  /** It rolled back (or its commit failed): appends left nothing, but the tail is read again to be safe. */
  failed(): void {
    if (this.#wrote) this.tail.known = false;
  }

  #txVersion(): number {
    this.#version ??= this.#s.version.get() as number;
    return this.#version;
  }

  #read(): LogRow | undefined {
    const r = this.#s.last.get() as { seq: number; value: Buffer } | undefined;
    return r && { seq: r.seq, value: toBytes(r.value) };
  }

  #insert(rows: readonly LogRow[]): number {
    const args: unknown[] = new Array(APPEND_ROWS * 2);
    let created = 0;
    let i = 0;
    for (; i + APPEND_ROWS <= rows.length; i += APPEND_ROWS) {
      for (let j = 0; j < APPEND_ROWS; j++) {
        args[2 * j] = rows[i + j]!.seq;
        args[2 * j + 1] = rows[i + j]!.value;
      }
      created += this.#many.run(args).changes;
    }
    for (; i < rows.length; i++) created += this.#s.insert.run(rows[i]!.seq, rows[i]!.value).changes;
    return created;
  }
}
