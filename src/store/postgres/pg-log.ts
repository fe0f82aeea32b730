// The append-only log on PostgreSQL: rows in a table of their own (`kw_log`, bigint key), read fresh every time.
import { assertLogRows, assertSeq, pagedLogScan } from "../log-rows.js";
import { rowBytes as toBytes } from "../paged-scan.js";
import type { LogRow, LogScanOptions, LogWriter } from "../ports.js";
import { toParam } from "./pg-secret-rows.js";
import type { PgQuery } from "./pg-transaction.js";

// Rows per append statement: one round trip for a whole group-committed batch of audit entries.
const PG_LOG_ROWS = 4096;

const toRow = (r: { seq: string | number; value: unknown }): LogRow => ({
  seq: Number(r.seq),
  value: toBytes(r.value),
});

/**
 * The log through one query function (a transaction's client, or the pool). Several instances may append to
 * one database, so `last()` always reads: a cached tail could not know about another instance's commit.
 */
export class PgLog implements LogWriter {
  constructor(private readonly q: PgQuery) {}

  async get(seq: number): Promise<Uint8Array | undefined> {
    assertSeq(seq);
    const r = await this.q("SELECT value FROM kw_log WHERE seq = $1", [seq], "kw_log_get");
    return r.rows.length ? toBytes(r.rows[0].value) : undefined;
  }

  async last(): Promise<LogRow | undefined> {
    const r = await this.q("SELECT seq, value FROM kw_log ORDER BY seq DESC LIMIT 1", [], "kw_log_last");
    return r.rows.length ? toRow(r.rows[0]) : undefined;
  }

  scan(options: LogScanOptions = {}): AsyncIterable<LogRow> {
    return pagedLogScan(options, async (lower, upper, reverse, limit) => {
      const order = reverse ? "DESC" : "ASC";
      const r = await this.q(
        `SELECT seq, value FROM kw_log WHERE seq >= $1 AND seq <= $2 ORDER BY seq ${order} LIMIT $3`,
        [lower, upper, limit],
        `kw_log_scan_${order.toLowerCase()}`,
      );
      return r.rows.map(toRow);
    });
  }

  // The rows travel as two arrays and unnest() pairs them up: one statement per PG_LOG_ROWS rows.
  async append(rows: readonly LogRow[]): Promise<number> {
    assertLogRows(rows);
    let created = 0;
    for (let i = 0; i < rows.length; i += PG_LOG_ROWS) {
      const part = rows.slice(i, i + PG_LOG_ROWS);
      const r = await this.q(
        "INSERT INTO kw_log (seq, value) SELECT s, v FROM unnest($1::bigint[], $2::bytea[]) AS t(s, v) ON CONFLICT (seq) DO NOTHING",
        [part.map((e) => e.seq), part.map((e) => toParam(e.value))],
        "kw_log_append",
      );
      created += r.rowCount ?? 0;
    }
    return created;
  }
}
