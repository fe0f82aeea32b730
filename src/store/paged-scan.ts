// Paging shared by every backend: range scans of one table and the full sealed-row scan, one statement per page.
import { scanBounds } from "./key-range.js";
import { assertStoreKey } from "./keys.js";
import type { ScanOptions, StateEntry } from "./ports.js";
import type { RawSecretRow } from "./raw.js";

/** Rows per page of a scan: bounded memory whatever the table size. */
export const SCAN_PAGE = 1000;

/** One page request of a range scan: the WHERE clause (after `tbl = <p1>`), its arguments and the page size. */
export interface ScanPage {
  /** e.g. `tbl = ? AND key > ?`, built with the backend's placeholder style. */
  readonly where: string;
  /** `[table, ...bounds]`, in placeholder order. */
  readonly args: unknown[];
  readonly order: "ASC" | "DESC";
  readonly limit: number;
}

/** Runs one page of a scan: the backend turns a ScanPage into its statement and returns the rows. */
export type FetchScanPage = (page: ScanPage) => Promise<StateEntry[]>;

/**
 * Streams `table`'s entries within `options` in key order, one `fetch` per SCAN_PAGE rows, resuming each page
 * after the last key seen (keyset paging: no OFFSET, so a page costs the same wherever it starts).
 * `placeholder(n)` renders the n-th (1-based) parameter: `?` for SQLite, `$n` for PostgreSQL.
 * @throws {TypeError|RangeError} on a malformed table name.
 */
export async function* pagedScan(
  table: string,
  options: ScanOptions,
  placeholder: (n: number) => string,
  fetch: FetchScanPage,
): AsyncIterable<StateEntry> {
  assertStoreKey(table, "table");
  const b = scanBounds(options);
  const order = options.reverse ? "DESC" : "ASC";
  let remaining = options.limit ?? Number.POSITIVE_INFINITY;
  let { lower, upper } = b;
  let lowerEx = b.lowerExclusive ?? false;
  let upperInc = b.upperInclusive ?? false;
  while (remaining > 0) {
    const where = [`tbl = ${placeholder(1)}`];
    const args: unknown[] = [table];
    if (lower !== undefined) {
      args.push(lower);
      where.push(`key ${lowerEx ? ">" : ">="} ${placeholder(args.length)}`);
    }
    if (upper !== undefined) {
      args.push(upper);
      where.push(`key ${upperInc ? "<=" : "<"} ${placeholder(args.length)}`);
    }
    const limit = Math.min(SCAN_PAGE, remaining);
    const rows = await fetch({ where: where.join(" AND "), args, order, limit });
    yield* rows;
    remaining -= rows.length;
    if (rows.length < limit) return;
    const last = rows[rows.length - 1]!.key;
    if (options.reverse) {
      upper = last;
      upperInc = false;
    } else {
      lower = last;
      lowerEx = true;
    }
  }
}

/** One sealed row with its address, as the full scan yields it. */
export interface SealedRowEntry {
  readonly namespace: string;
  readonly name: string;
  readonly row: RawSecretRow;
}

/**
 * Streams every sealed row in (namespace, name) order, `fetch(afterNs, afterName, limit)` returning the next
 * page strictly after that address (data-key re-encryption, backup verification).
 */
export async function* pagedSecretScan(
  fetch: (afterNamespace: string, afterName: string, limit: number) => Promise<SealedRowEntry[]>,
): AsyncIterable<SealedRowEntry> {
  let ns = "";
  let name = "";
  for (;;) {
    const rows = await fetch(ns, name, SCAN_PAGE);
    yield* rows;
    if (rows.length < SCAN_PAGE) return;
    ns = rows[rows.length - 1]!.namespace;
    name = rows[rows.length - 1]!.name;
  }
}

/** A driver's Buffer viewed as Uint8Array without a copy. */
export function rowBytes(value: unknown): Uint8Array {
  const b = value as Buffer;
  return new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
}
