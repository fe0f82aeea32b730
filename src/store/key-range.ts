// Turns ScanOptions into inclusive/exclusive key bounds shared by every backend.
import type { ScanOptions } from "./ports.js";

/** Normalised bounds: lower (inclusive unless `lowerExclusive`) and upper (exclusive unless `upperInclusive`). */
export interface KeyBounds {
  lower?: string;
  lowerExclusive?: boolean;
  upper?: string;
  upperInclusive?: boolean;
}

// U+10FFFF encodes as F4 8F BF BF, the largest UTF-8 sequence: every key starting with `prefix` sorts below
// prefix + U+10FFFF in byte order (keys containing U+10FFFF itself are not supported).
const MAX_CHAR = "\u{10FFFF}";

/** Computes the key bounds of a scan. Bounds combine (intersection). */
export function scanBounds(o: ScanOptions = {}): KeyBounds {
  const b: KeyBounds = {};
  const lows: [string, boolean][] = [];
  const highs: [string, boolean][] = [];
  if (o.prefix) {
    lows.push([o.prefix, false]);
    highs.push([o.prefix + MAX_CHAR, false]);
  }
  if (o.gte !== undefined) lows.push([o.gte, false]);
  if (o.gt !== undefined) lows.push([o.gt, true]);
  if (o.lt !== undefined) highs.push([o.lt, false]);
  if (o.lte !== undefined) highs.push([o.lte, true]);
  for (const [k, ex] of lows) {
    const c = b.lower === undefined ? 1 : Buffer.compare(Buffer.from(k), Buffer.from(b.lower));
    if (c > 0 || (c === 0 && ex)) {
      b.lower = k;
      b.lowerExclusive = ex;
    }
  }
  for (const [k, inc] of highs) {
    const c = b.upper === undefined ? -1 : Buffer.compare(Buffer.from(k), Buffer.from(b.upper));
    if (c < 0 || (c === 0 && !inc)) {
      b.upper = k;
      b.upperInclusive = inc;
    }
  }
  return b;
}
