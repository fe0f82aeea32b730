// The append-only log on SQLite: rows in a rowid table of their own (`kw_log`).
import type Database from "better-sqlite3";
import { assertLogRows, assertSeq, pagedLogScan } from "../log-rows.js";
import { rowBytes as toBytes } from "../paged-scan.js";
import type { LogRow, LogScanOptions, LogWriter } from "../ports.js";

type Db = Database.Database;
/** Rows per multi-row INSERT of an append (a group-committed batch of audit entries is up to 256). */
const APPEND_ROWS = 64;

/**
 * The log of one SQLite connection, through the backend's serialisation (its mutex outside a transaction) and
 * its writes (group-committed outside a transaction).
 */
export class SqliteLog implements LogWriter {
  readonly #s;
  readonly #many: Database.Statement;

  constructor(
    db: Db,
    private readonly serialize: <T>(fn: () => Promise<T>) => Promise<T>,
    private readonly write: <T>(fn: () => T) => Promise<T>,
  ) {
    this.#s = {
      get: db.prepare("SELECT value FROM kw_log WHERE seq = ?").pluck(),
      last: db.prepare("SELECT seq, value FROM kw_log ORDER BY seq DESC LIMIT 1"),
      insert: db.prepare("INSERT INTO kw_log (seq, value) VALUES (?, ?) ON CONFLICT (seq) DO NOTHING"),
      asc: db.prepare("SELECT seq, value FROM kw_log WHERE seq >= ? AND seq <= ? ORDER BY seq ASC LIMIT ?"),
      desc: db.prepare("SELECT seq, value FROM kw_log WHERE seq >= ? AND seq <= ? ORDER BY seq DESC LIMIT ?"),
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
    return this.serialize(async () => this.#read());
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
    return this.write(() => this.#insert(rows));
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
