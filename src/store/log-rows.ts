// The append-only log's checks and paged scan, shared by both backends (same rules on SQLite and PostgreSQL).
import { assertBytes, assertInteger } from "../crypto/assert.js";
import { InputTypeError } from "../errors/input-errors.js";
import { SCAN_PAGE } from "./paged-scan.js";
import type { LogRow, LogScanOptions } from "./ports.js";

/** Asserts a sequence number: an integer from 1 up to Number.MAX_SAFE_INTEGER. */
export function assertSeq(seq: unknown, name = "seq"): asserts seq is number {
  assertInteger(seq, 1, Number.MAX_SAFE_INTEGER, name);
}

/** Asserts the rows of an append, before any statement runs. */
export function assertLogRows(rows: unknown): asserts rows is readonly LogRow[] {
  if (!Array.isArray(rows)) throw new InputTypeError("rows must be an array");
  for (const [i, r] of rows.entries()) {
    if (r === null || typeof r !== "object") throw new InputTypeError(`rows[${i}] must be an object`);
    assertSeq(r.seq, `rows[${i}].seq`);
    assertBytes(r.value, undefined, `rows[${i}].value`);
  }
}

/** Runs one page of a log scan: rows with `lower ≤ seq ≤ upper`, in the given direction, at most `limit`. */
export type FetchLogPage = (
  lower: number,
  upper: number,
  reverse: boolean,
  limit: number,
) => Promise<LogRow[]>;

/**
 * Streams the rows within `options` in sequence order, one `fetch` per SCAN_PAGE rows, each page resuming
 * after the last sequence number seen (keyset paging).
 * @throws {TypeError|RangeError} on malformed bounds or limit.
 */
export async function* pagedLogScan(options: LogScanOptions, fetch: FetchLogPage): AsyncIterable<LogRow> {
  if (options === null || typeof options !== "object") throw new InputTypeError("options must be an object");
  const max = Number.MAX_SAFE_INTEGER;
  if (options.from !== undefined) assertInteger(options.from, 0, max, "options.from");
  if (options.to !== undefined) assertInteger(options.to, 0, max, "options.to");
  if (options.limit !== undefined) assertInteger(options.limit, 0, max, "options.limit");
  const reverse = options.reverse === true;
  let lower = options.from ?? 0;
  let upper = options.to ?? max;
  let remaining = options.limit ?? Number.POSITIVE_INFINITY;
  while (remaining > 0 && lower <= upper) {
    const limit = Math.min(SCAN_PAGE, remaining);
    const rows = await fetch(lower, upper, reverse, limit);
    yield* rows;
    remaining -= rows.length;
    if (rows.length < limit) return;
    const last = rows[rows.length - 1]!.seq;
    if (reverse) upper = last - 1;
    else lower = last + 1;
  }
}
