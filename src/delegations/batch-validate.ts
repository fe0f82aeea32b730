// Batch validation: stream rows (delegator, provider, scope, at) from CSV or NDJSON, one verdict per row.
import { InputRangeError } from "../errors/input-errors.js";
import { splitCsvLine } from "./csv.js";
import type { DelegationIndex } from "./delegation-index.js";
import { assertPosition, type DelegationId, normalizeId, parsePosition } from "./ids.js";
import { MAX_LINE_LENGTH } from "./lines.js";
import { LookupBatch } from "./lookup-batch.js";
import { VerdictWriter } from "./verdict-writer.js";

/** Totals of a batch validation (the CLI's stdout line). */
export interface ValidationSummary {
  rows: number;
  authorized: number;
  unauthorized: number;
  invalid: number;
}

/** Options of `validateBatch`. */
export interface ValidateOptions {
  /** "csv" (header delegator,provider,scope,at in any order) or "ndjson"; default: guessed from the first line. */
  readonly format?: "csv" | "ndjson";
  /** Receives the per-row verdicts as NDJSON text in chunks (backpressure: return a promise). */
  readonly write?: (chunk: string) => void | Promise<void>;
  /** Called after each input chunk with its byte count (progress bars). */
  readonly onProgress?: (bytes: number) => void;
}

const COLUMNS = ["delegator", "provider", "scope", "at"] as const;
const decoder = new TextDecoder("utf-8", { fatal: true });
/** Where each of COLUMNS sits in a parsed NDJSON row (`integerObject` writes them in COLUMNS order). */
const NDJSON_COLUMNS = [0, 1, 2, 3];
const COMMA = 44;
const DIGIT_0 = 48;
const DIGIT_9 = 57;

function cellAt(cells: string[], columns: number[], column: number): string {
  const v = cells[columns[column]!];
  if (v === undefined) throw new InputRangeError(`missing ${COLUMNS[column]}`);
  return v.trim();
}

/**
 * Fast path for the common CSV row of plain integers: parses bytes [start, end) into `out` (file column order)
 * without allocating. Returns false when any field is not a canonical integer of 1–15 digits (the string path
 * decides).
 */
function integerRow(buf: Uint8Array, start: number, end: number, width: number, out: Float64Array): boolean {
  let field = 0;
  let value = 0;
  let digits = 0;
  let leading = 0;
  for (let i = start; i <= end; i++) {
    const c = i === end ? COMMA : buf[i]!;
    if (c === COMMA) {
      if (digits === 0 || digits > 15 || (digits > 1 && leading === DIGIT_0) || field >= width) return false;
      out[field++] = value;
      value = 0;
      digits = 0;
      continue;
    }
    if (c < DIGIT_0 || c > DIGIT_9) return false;
    if (digits === 0) leading = c;
    value = value * 10 + (c - DIGIT_0);
    digits++;
  }
  return field === width;
}

// NDJSON fast path: a flat object of exactly the four keys with integer values and no whitespace, e.g.
// {"delegator":1234,"provider":7,"scope":1,"at":150}. Field order is free; anything else → JSON.parse path.
const KEY_BYTES = COLUMNS.map((c) => new TextEncoder().encode(`"${c}":`));

function integerObject(buf: Uint8Array, start: number, end: number, out: Float64Array): boolean {
  if (buf[start] !== 123 || buf[end - 1] !== 125) return false; // { … }
  let i = start + 1;
  let seen = 0;
  for (let field = 0; field < 4; field++) {
    let column = -1;
    // Try the usual order first (field f is column f), then the others.
    for (let t = 0; t < 4 && column < 0; t++) {
      const candidate = (field + t) & 3;
      const key = KEY_BYTES[candidate]!;
      let j = 0;
      while (j < key.length && buf[i + j] === key[j]) j++;
      if (j === key.length) column = candidate;
    }
    if (column < 0 || seen & (1 << column)) return false;
    seen |= 1 << column;
    i += KEY_BYTES[column]!.length;
    let value = 0;
    const first = i;
    while (i < end && buf[i]! >= DIGIT_0 && buf[i]! <= DIGIT_9) value = value * 10 + (buf[i++]! - DIGIT_0);
    const digits = i - first;
    if (digits === 0 || digits > 15 || (digits > 1 && buf[first] === DIGIT_0)) return false;
    out[column] = value;
    if (buf[i] === (field === 3 ? 125 : COMMA))
      i++; // `,` between fields, `}` after the last
    else return false;
  }
  return i === end;
}

/**
 * Checks every row against `index` and streams one verdict per row, in constant memory:
 * `{"line":N,"verdict":"authorized","from":F,"until":U|null}`, `{"line":N,"verdict":"unauthorized"}` or
 * `{"line":N,"verdict":"invalid","error":"…"}` (N = 1-based physical line of the input). Blank lines are skipped.
 * @throws {RangeError} when the CSV header lacks a column or a line is longer than MAX_LINE_LENGTH.
 * @example const summary = await validateBatch(store.index, createReadStream("batch.csv"), { write });
 */
export async function validateBatch(
  index: DelegationIndex,
  source: AsyncIterable<Uint8Array>,
  options: ValidateOptions = {},
): Promise<ValidationSummary> {
  const summary: ValidationSummary = { rows: 0, authorized: 0, unauthorized: 0, invalid: 0 };
  const out = options.write ? new VerdictWriter(options.write) : undefined;
  let format = options.format;
  /** Where each of COLUMNS is in a CSV row (from the header), and how many cells a row has. */
  let columns: number[] | undefined;
  let width = 0;
  const integers = new Float64Array(8); // one integer row, in file column order
  let line = 0;
  // Integer rows are checked in batches (locateMany); any other row flushes the batch first (order kept).
  const queries = new LookupBatch();
  const flushBatch = () => {
    if (queries.size === 0) return;
    index.locateMany(queries);
    const { found, tags: lines } = queries;
    for (let j = 0; j < queries.size; j++) {
      const i = found[j]!;
      if (i >= 0) {
        summary.authorized++;
        out?.authorized(lines[j]!, index.intervalFrom(i), index.intervalUntil(i));
      } else {
        summary.unauthorized++;
        out?.unauthorized(lines[j]!);
      }
    }
    queries.clear();
  };

  const verdict = (delegator: DelegationId, provider: DelegationId, scope: DelegationId, at: number) => {
    const i = index.locate(delegator, provider, scope, at);
    if (i >= 0) {
      summary.authorized++;
      out?.authorized(line, index.intervalFrom(i), index.intervalUntil(i));
    } else {
      summary.unauthorized++;
      out?.unauthorized(line);
    }
  };

  const textRow = (text: string) => {
    if (format === "csv") {
      const cells = splitCsvLine(text);
      const cols = columns!;
      verdict(
        normalizeId(cellAt(cells, cols, 0), "delegator"),
        normalizeId(cellAt(cells, cols, 1), "provider"),
        normalizeId(cellAt(cells, cols, 2), "scope"),
        parsePosition(cellAt(cells, cols, 3), "at"),
      );
      return;
    }
    let o: Record<string, unknown>;
    try {
      o = JSON.parse(text) as Record<string, unknown>;
    } catch {
      throw new InputRangeError("not valid JSON");
    }
    if (o === null || typeof o !== "object") throw new InputRangeError("row must be a JSON object");
    assertPosition(o.at, "at");
    verdict(
      normalizeId(o.delegator, "delegator"),
      normalizeId(o.provider, "provider"),
      normalizeId(o.scope, "scope"),
      o.at,
    );
  };

  /** One input line, bytes [start, end) of `buf` (without its newline). */
  const onLine = (buf: Uint8Array, start: number, end: number) => {
    line++;
    if (end > start && buf[end - 1] === 13) end--; // CRLF
    let first = start;
    while (first < end && (buf[first] === 32 || buf[first] === 9)) first++;
    if (first === end) return; // blank
    format ??= buf[first] === 123 ? "ndjson" : "csv";
    if (format === "csv" && columns === undefined) {
      const header = splitCsvLine(decoder.decode(buf.subarray(start, end))).map((h) =>
        h.trim().toLowerCase(),
      );
      const cols = COLUMNS.map((c) => header.indexOf(c));
      const missing = COLUMNS.filter((_, i) => cols[i]! < 0);
      if (missing.length) throw new InputRangeError(`line ${line}: CSV header lacks ${missing.join(", ")}`);
      columns = cols;
      width = header.length;
      return;
    }
    summary.rows++;
    const integral =
      format === "csv"
        ? width <= integers.length && integerRow(buf, start, end, width, integers)
        : integerObject(buf, first, end, integers);
    if (integral) {
      const cols = format === "csv" ? columns! : NDJSON_COLUMNS;
      const full = queries.push(
        integers[cols[0]!]!,
        integers[cols[1]!]!,
        integers[cols[2]!]!,
        integers[cols[3]!]!,
        line,
      );
      if (full) flushBatch();
      return;
    }
    flushBatch();
    try {
      textRow(decoder.decode(buf.subarray(start, end)));
    } catch (err) {
      summary.invalid++;
      const message =
        err instanceof TypeError || err instanceof RangeError ? err.message : "invalid row (not UTF-8?)";
      out?.invalid(line, message);
    }
  };

  let carry: Uint8Array = new Uint8Array(0);
  for await (const chunk of source) {
    const buf = carry.length === 0 ? chunk : Buffer.concat([carry, chunk]);
    let pos = 0;
    for (let nl = buf.indexOf(10, pos); nl >= 0; nl = buf.indexOf(10, pos)) {
      onLine(buf, pos, nl);
      pos = nl + 1;
    }
    flushBatch();
    carry = buf.slice(pos);
    if (carry.length > MAX_LINE_LENGTH) throw new InputRangeError(`line ${line + 1} is too long`);
    options.onProgress?.(chunk.length);
    await out?.maybeFlush();
  }
  if (carry.length > 0) onLine(carry, 0, carry.length);
  flushBatch();
  await out?.flush();
  return summary;
}
