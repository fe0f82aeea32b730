// Batch validation: stream rows (delegator, provider, scope, at) from CSV or NDJSON, one verdict per row.
import { InputRangeError } from "../errors/input-errors.js";
import { splitCsvLine } from "./csv.js";
import type { DelegationIndex } from "./delegation-index.js";
import { assertPosition, type DelegationId, normalizeId, parsePosition } from "./ids.js";
import { MAX_LINE_LENGTH } from "./lines.js";
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
const IDENTITY = [0, 1, 2, 3];

function cellAt(fields: string[], columns: number[], i: number): string {
  const v = fields[columns[i]!];
  if (v === undefined) throw new InputRangeError(`missing ${COLUMNS[i]}`);
  return v.trim();
}

/**
 * Fast path for the common CSV row of plain integers: parses bytes [s, e) into `out` (column order) without
 * allocating. Returns false when any field is not a canonical integer of 1–15 digits (the string path decides).
 */
function numericRow(buf: Uint8Array, s: number, e: number, width: number, out: Float64Array): boolean {
  let field = 0;
  let v = 0;
  let digits = 0;
  let lead = 0;
  for (let i = s; i <= e; i++) {
    const c = i === e ? 44 : buf[i]!;
    if (c === 44) {
      if (digits === 0 || digits > 15 || (digits > 1 && lead === 48) || field >= width) return false;
      out[field++] = v;
      v = 0;
      digits = 0;
      continue;
    }
    if (c < 48 || c > 57) return false;
    if (digits === 0) lead = c;
    v = v * 10 + (c - 48);
    digits++;
  }
  return field === width;
}

// NDJSON fast path: a flat object of exactly the four keys with integer values and no whitespace, e.g.
// {"delegator":1234,"provider":7,"scope":1,"at":150}. Field order is free; anything else → JSON.parse path.
const KEY_BYTES = COLUMNS.map((c) => new TextEncoder().encode(`"${c}":`));

function numericObject(buf: Uint8Array, s: number, e: number, out: Float64Array): boolean {
  if (buf[s] !== 123 || buf[e - 1] !== 125) return false;
  let i = s + 1;
  let seen = 0;
  for (let f = 0; f < 4; f++) {
    let which = -1;
    // Try the usual order first (field f is column f), then the others.
    for (let t = 0; t < 4 && which < 0; t++) {
      const c = (f + t) & 3;
      const kb = KEY_BYTES[c]!;
      let j = 0;
      while (j < kb.length && buf[i + j] === kb[j]) j++;
      if (j === kb.length) which = c;
    }
    if (which < 0 || seen & (1 << which)) return false;
    seen |= 1 << which;
    i += KEY_BYTES[which]!.length;
    let v = 0;
    const first = i;
    while (i < e && buf[i]! >= 48 && buf[i]! <= 57) v = v * 10 + (buf[i++]! - 48);
    const digits = i - first;
    if (digits === 0 || digits > 15 || (digits > 1 && buf[first] === 48)) return false;
    out[which] = v;
    if (buf[i] === (f === 3 ? 125 : 44)) i++;
    else return false;
  }
  return i === e;
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
  let columns: number[] | undefined;
  let width = 0;
  const fields = new Float64Array(8);
  let line = 0;
  // Integer CSV rows are checked in batches (locateMany); any other row flushes the batch first (order kept).
  const B = 1024;
  const bd = new Float64Array(B);
  const bp = new Float64Array(B);
  const bs = new Float64Array(B);
  const ba = new Float64Array(B);
  const bl = new Float64Array(B);
  const bo = new Int32Array(B);
  const pc = new Int32Array(B);
  const sc = new Int32Array(B);
  let pending = 0;
  const flushBatch = () => {
    if (pending === 0) return;
    index.locateMany(bd, bp, bs, ba, pending, bo, pc, sc);
    for (let j = 0; j < pending; j++) {
      const i = bo[j]!;
      if (i >= 0) {
        summary.authorized++;
        out?.authorized(bl[j]!, index.intervalFrom(i), index.intervalUntil(i));
      } else {
        summary.unauthorized++;
        out?.unauthorized(bl[j]!);
      }
    }
    pending = 0;
  };

  const verdict = (d: DelegationId, p: DelegationId, s: DelegationId, at: number) => {
    const i = index.locate(d, p, s, at);
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
      const f = splitCsvLine(text);
      const cols = columns!;
      verdict(
        normalizeId(cellAt(f, cols, 0), "delegator"),
        normalizeId(cellAt(f, cols, 1), "provider"),
        normalizeId(cellAt(f, cols, 2), "scope"),
        parsePosition(cellAt(f, cols, 3), "at"),
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

  const onLine = (buf: Uint8Array, s: number, e: number) => {
    line++;
    if (e > s && buf[e - 1] === 13) e--;
    let first = s;
    while (first < e && (buf[first] === 32 || buf[first] === 9)) first++;
    if (first === e) return;
    format ??= buf[first] === 123 ? "ndjson" : "csv";
    if (format === "csv" && columns === undefined) {
      const header = splitCsvLine(decoder.decode(buf.subarray(s, e))).map((h) => h.trim().toLowerCase());
      const cols = COLUMNS.map((c) => header.indexOf(c));
      const missing = COLUMNS.filter((_, i) => cols[i]! < 0);
      if (missing.length) throw new InputRangeError(`line ${line}: CSV header lacks ${missing.join(", ")}`);
      columns = cols;
      width = header.length;
      return;
    }
    summary.rows++;
    const fast =
      format === "csv"
        ? width <= fields.length && numericRow(buf, s, e, width, fields)
        : numericObject(buf, first, e, fields);
    if (fast) {
      const cols = format === "csv" ? columns! : IDENTITY;
      bd[pending] = fields[cols[0]!]!;
      bp[pending] = fields[cols[1]!]!;
      bs[pending] = fields[cols[2]!]!;
      ba[pending] = fields[cols[3]!]!;
      bl[pending] = line;
      if (++pending === B) flushBatch();
      return;
    }
    flushBatch();
    try {
      textRow(decoder.decode(buf.subarray(s, e)));
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
