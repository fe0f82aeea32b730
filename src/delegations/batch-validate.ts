// Batch validation: stream rows (delegator, provider, scope, at) from CSV or NDJSON, one verdict per row.
import { InputRangeError } from "../errors/input-errors.js";
import { splitCsvLine } from "./csv.js";
import type { DelegationIndex } from "./delegation-index.js";
import { assertPosition, type DelegationId, normalizeId, parsePosition } from "./ids.js";
import { forEachLine } from "./lines.js";

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

/** Value of a short canonical digit string (1–15 digits, no leading zero), or −1 (then the full parser decides). */
function shortDigits(t: string): number {
  const n = t.length;
  if (n === 0 || n > 15 || (n > 1 && t.charCodeAt(0) === 48)) return -1;
  let v = 0;
  for (let i = 0; i < n; i++) {
    const c = t.charCodeAt(i) - 48;
    if (c < 0 || c > 9) return -1;
    v = v * 10 + c;
  }
  return v;
}

function cellAt(fields: string[], columns: number[], i: number): string {
  const v = fields[columns[i]!];
  if (v === undefined) throw new InputRangeError(`missing ${COLUMNS[i]}`);
  return v;
}

// CSV cells: a fast path for plain integers (the common case in batch files), the full rules otherwise.
function idCell(t: string, name: string): DelegationId {
  const v = shortDigits(t);
  return v >= 0 ? v : normalizeId(t.trim(), name);
}

function positionCell(t: string): number {
  const v = shortDigits(t);
  return v >= 0 ? v : parsePosition(t.trim(), "at");
}
const FLUSH_AT = 1 << 16;

/**
 * Checks every row against `index` and streams one verdict per row, in constant memory:
 * `{"line":N,"verdict":"authorized","from":F,"until":U|null}`, `{"line":N,"verdict":"unauthorized"}` or
 * `{"line":N,"verdict":"invalid","error":"…"}` (N = 1-based line of the input file). Blank lines are skipped.
 * @throws {RangeError} when the CSV header is missing a column or the input is not UTF-8.
 * @example const summary = await validateBatch(store.index, createReadStream("batch.csv"), { write });
 */
export async function validateBatch(
  index: DelegationIndex,
  source: AsyncIterable<Uint8Array>,
  options: ValidateOptions = {},
): Promise<ValidationSummary> {
  const summary: ValidationSummary = { rows: 0, authorized: 0, unauthorized: 0, invalid: 0 };
  let format = options.format;
  let columns: number[] | undefined;
  let out = "";
  const write = options.write;

  const verdict = (line: number, d: DelegationId, p: DelegationId, s: DelegationId, at: number) => {
    const i = index.locate(d, p, s, at);
    if (i >= 0) {
      summary.authorized++;
      if (write)
        out += `{"line":${line},"verdict":"authorized","from":${index.intervalFrom(i)},"until":${index.intervalUntil(i)}}\n`;
    } else {
      summary.unauthorized++;
      if (write) out += `{"line":${line},"verdict":"unauthorized"}\n`;
    }
  };
  const invalid = (line: number, err: unknown) => {
    summary.invalid++;
    const message = err instanceof TypeError || err instanceof RangeError ? err.message : "invalid row";
    if (write) out += `{"line":${line},"verdict":"invalid","error":${JSON.stringify(message)}}\n`;
  };

  const onLine = (text: string, line: number) => {
    if (text.trim().length === 0) return;
    format ??= text.trimStart().startsWith("{") ? "ndjson" : "csv";
    if (format === "csv" && columns === undefined) {
      const header = splitCsvLine(text).map((h) => h.trim().toLowerCase());
      columns = COLUMNS.map((c) => header.indexOf(c));
      const missing = COLUMNS.filter((_, i) => columns![i]! < 0);
      if (missing.length) throw new InputRangeError(`line ${line}: CSV header lacks ${missing.join(", ")}`);
      return;
    }
    summary.rows++;
    try {
      if (format === "csv") {
        const f = splitCsvLine(text);
        const cols = columns!;
        verdict(
          line,
          idCell(cellAt(f, cols, 0), "delegator"),
          idCell(cellAt(f, cols, 1), "provider"),
          idCell(cellAt(f, cols, 2), "scope"),
          positionCell(cellAt(f, cols, 3)),
        );
      } else {
        const o = JSON.parse(text) as Record<string, unknown>;
        if (o === null || typeof o !== "object") throw new InputRangeError("row must be a JSON object");
        assertPosition(o.at, "at");
        verdict(
          line,
          normalizeId(o.delegator, "delegator"),
          normalizeId(o.provider, "provider"),
          normalizeId(o.scope, "scope"),
          o.at,
        );
      }
    } catch (err) {
      invalid(line, err instanceof SyntaxError ? new InputRangeError("not valid JSON") : err);
    }
  };

  await forEachLine(source, onLine, async (chunk) => {
    options.onProgress?.(chunk.length);
    if (write && out.length >= FLUSH_AT) {
      const chunk = out;
      out = "";
      await write(chunk);
    }
  });
  if (write && out.length > 0) await write(out);
  return summary;
}
