// Canonical encoding for everything signed or hashed: deterministic bytes behind a domain-separation tag.
// Format (docs/wire-format.md): u32le(len(tag)) ‖ tag ‖ value, where value is one type byte then payload.
import { InputRangeError, InputTypeError } from "../errors/input-errors.js";
import { assertBytes, isBytes } from "./assert.js";
import { equalBytes, utf8 } from "./bytes.js";

/** Values the canonical encoding accepts. Integers must be safe integers; maps are plain objects. */
export type CanonicalValue =
  | null
  | boolean
  | number
  | bigint
  | string
  | Uint8Array
  | readonly CanonicalValue[]
  | { readonly [key: string]: CanonicalValue };

/** Type bytes of the canonical encoding (stable wire constants). */
export const CANONICAL_TYPE = {
  null: 0x00,
  false: 0x01,
  true: 0x02,
  uint: 0x03,
  negint: 0x04,
  string: 0x05,
  bytes: 0x06,
  array: 0x07,
  map: 0x08,
} as const;

function assertTag(tag: unknown): asserts tag is string {
  if (typeof tag !== "string" || tag.length === 0) throw new InputTypeError("tag must be a non-empty string");
  if (!tag.isWellFormed()) throw new InputRangeError("tag must be well-formed Unicode");
}

/**
 * A growable output buffer: canonical encoding runs on every signature and audit entry, so no per-field
 * arrays. One scratch buffer is shared by every call (encoding is synchronous, never re-entered) and the used
 * part is zeroed after the result is copied out, so no encoded value lingers in it.
 */
const FIRST_SCRATCH = new Uint8Array(1024); // a static initializer naming the class breaks tsc's ES2022 output
class Writer {
  static #scratch = FIRST_SCRATCH;
  static #scratchView = new DataView(FIRST_SCRATCH.buffer);
  #buf = Writer.#scratch;
  #view = Writer.#scratchView;
  #size = 0;
  #reserve(n: number): number {
    const at = this.#size;
    if (at + n > this.#buf.length) {
      const next = new Uint8Array(Math.max(this.#buf.length * 2, at + n));
      next.set(this.#buf.subarray(0, at));
      this.#buf.fill(0, 0, at);
      this.#buf = next;
      this.#view = new DataView(next.buffer);
      if (next.length <= 1 << 16) [Writer.#scratch, Writer.#scratchView] = [next, this.#view];
    }
    this.#size = at + n;
    return at;
  }
  // Reserve first, then read #buf/#view: reserving may replace them.
  push(b: Uint8Array): void {
    const at = this.#reserve(b.length);
    this.#buf.set(b, at);
  }
  byte(v: number): void {
    const at = this.#reserve(1);
    this.#buf[at] = v;
  }
  u32(v: number): void {
    const at = this.#reserve(4);
    this.#view.setUint32(at, v, true);
  }
  /** A safe non-negative integer as u64le without a BigInt. */
  u53(v: number): void {
    const at = this.#reserve(8);
    this.#view.setUint32(at, v % 0x1_0000_0000, true);
    this.#view.setUint32(at + 4, Math.floor(v / 0x1_0000_0000), true);
  }
  u64(v: bigint): void {
    const at = this.#reserve(8);
    this.#view.setBigUint64(at, v, true);
  }
  lenBytes(b: Uint8Array): void {
    this.u32(b.length);
    this.push(b);
  }
  /** u32le(len) ‖ UTF-8 of a well-formed string; ASCII (the common case) is copied without an encoder call. */
  lenText(s: string): void {
    const n = s.length;
    const at = this.#reserve(4 + n);
    const buf = this.#buf;
    for (let i = 0; i < n; i++) {
      const c = s.charCodeAt(i);
      if (c >= 0x80) {
        this.#size = at;
        this.lenBytes(utf8(s));
        return;
      }
      buf[at + 4 + i] = c;
    }
    this.#view.setUint32(at, n, true);
  }
  finish(): Uint8Array {
    const out = this.#buf.slice(0, this.#size);
    this.#buf.fill(0, 0, this.#size);
    this.#size = 0;
    return out;
  }
  /** Zeroes what was written (an encoding that failed midway). */
  discard(): void {
    this.#buf.fill(0, 0, this.#size);
    this.#size = 0;
  }
}

const U64_MAX = (1n << 64n) - 1n;
/** Deepest nesting accepted (the root value is depth 0), identical for encoder and decoder. */
const MAX_DEPTH = 64;

function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const d = (a[i] ?? 0) - (b[i] ?? 0);
    if (d !== 0) return d;
  }
  return a.length - b.length;
}

function isAscii(s: string): boolean {
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) >= 0x80) return false;
  return true;
}

/** Map keys in UTF-8 byte order: for ASCII keys that is plain string order, otherwise compared as bytes. */
function sortedKeys(v: object, path: string): string[] {
  const keys = Object.keys(v);
  // For ASCII keys, the default sort's UTF-16 code-unit order is their byte order.
  if (keys.every(isAscii)) return keys.sort();
  // A key with a lone surrogate would be UTF-8-encoded as U+FFFD and could collide with another key.
  for (const k of keys)
    if (!k.isWellFormed()) throw new InputRangeError(`${path} has a key that is not well-formed Unicode`);
  return keys
    .map((k) => [utf8(k), k] as const)
    .sort((a, b) => compareBytes(a[0], b[0]))
    .map((e) => e[1]);
}

function writeValue(w: Writer, v: CanonicalValue, path: string, depth: number): void {
  if (depth > MAX_DEPTH) throw new InputRangeError(`${path} nests too deeply`);
  if (v === null || typeof v === "boolean") {
    w.byte(v === null ? CANONICAL_TYPE.null : v ? CANONICAL_TYPE.true : CANONICAL_TYPE.false);
    return;
  }
  if (typeof v === "number") {
    if (!Number.isSafeInteger(v)) throw new InputRangeError(`${path} must be a safe integer`);
    // negint stores −1 − n, so every integer has one encoding (−1 − n is safe for every safe negative n)
    w.byte(v < 0 ? CANONICAL_TYPE.negint : CANONICAL_TYPE.uint);
    w.u53(v < 0 ? -v - 1 : v);
    return;
  }
  if (typeof v === "bigint") {
    const mag = v < 0n ? -v - 1n : v;
    if (mag > U64_MAX) throw new InputRangeError(`${path} is out of the 64-bit range`);
    w.byte(v < 0n ? CANONICAL_TYPE.negint : CANONICAL_TYPE.uint);
    w.u64(mag);
    return;
  }
  if (typeof v === "string") {
    if (!v.isWellFormed()) throw new InputRangeError(`${path} is not well-formed Unicode`);
    w.byte(CANONICAL_TYPE.string);
    w.lenText(v);
    return;
  }
  if (isBytes(v)) {
    w.byte(CANONICAL_TYPE.bytes);
    w.lenBytes(v);
    return;
  }
  if (Array.isArray(v)) {
    w.byte(CANONICAL_TYPE.array);
    w.u32(v.length);
    for (const [i, item] of v.entries()) writeValue(w, item as CanonicalValue, `${path}[${i}]`, depth + 1);
    return;
  }
  if (typeof v === "object" && Object.getPrototypeOf(v) === Object.prototype) {
    // Keys sorted by their UTF-8 bytes; undefined members are refused (not silently dropped).
    const keys = sortedKeys(v, path);
    const map = v as { readonly [key: string]: CanonicalValue | undefined };
    w.byte(CANONICAL_TYPE.map);
    w.u32(keys.length);
    for (const k of keys) {
      const val = map[k];
      if (val === undefined) throw new InputTypeError(`${path}.${k} is undefined`);
      w.lenText(k);
      writeValue(w, val, `${path}.${k}`, depth + 1);
    }
    return;
  }
  throw new InputTypeError(`${path} has a type the canonical encoding does not accept`);
}

/**
 * Canonical bytes of `value` under domain-separation `tag` (e.g. "keyward v1 rotation-statement").
 * Same value → same bytes on every replica.
 * @throws {TypeError} for unsupported types (undefined, functions, class instances, Secret).
 * @throws {RangeError} for unsafe integers or malformed strings.
 * @example canonicalEncode("keyward v1 example", { a: 1, b: new Uint8Array([1]) });
 */
export function canonicalEncode(tag: string, value: CanonicalValue): Uint8Array {
  assertTag(tag);
  const w = new Writer();
  try {
    w.lenText(tag);
    writeValue(w, value, "$", 0);
  } catch (err) {
    w.discard();
    throw err;
  }
  return w.finish();
}

// BOM kept as content (ignoreBOM) so "\uFEFF…" round-trips; fatal rejects every malformed sequence.
const STRICT_UTF8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

class Reader {
  off = 0;
  readonly view: DataView;
  constructor(readonly bytes: Uint8Array) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }
  fail(what: string): never {
    throw new InputRangeError(`canonical bytes: ${what} at offset ${this.off}`);
  }
  need(n: number, what: string): void {
    if (this.bytes.length - this.off < n) this.fail(`truncated ${what}`);
  }
  byte(): number {
    this.need(1, "type byte");
    return this.bytes[this.off++] as number;
  }
  u32(what: string): number {
    this.need(4, what);
    const v = this.view.getUint32(this.off, true);
    this.off += 4;
    return v;
  }
  u64(): bigint {
    this.need(8, "integer");
    const v = this.view.getBigUint64(this.off, true);
    this.off += 8;
    return v;
  }
  lenBytes(what: string): Uint8Array {
    const n = this.u32(`${what} length`);
    this.need(n, what);
    const out = this.bytes.subarray(this.off, this.off + n);
    this.off += n;
    return out;
  }
  text(what: string): string {
    const start = this.off;
    const raw = this.lenBytes(what);
    try {
      return STRICT_UTF8.decode(raw);
    } catch {
      this.off = start;
      return this.fail(`${what} is not valid UTF-8`);
    }
  }
}

// Integers come back as numbers when they are safe integers and as bigints otherwise, so that
// canonicalEncode(tag, canonicalDecode(tag, b)) reproduces b exactly.
function toInteger(n: bigint): number | bigint {
  return n >= BigInt(Number.MIN_SAFE_INTEGER) && n <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(n) : n;
}

function readValue(r: Reader, depth: number): CanonicalValue {
  if (depth > MAX_DEPTH) r.fail("nesting too deep");
  const type = r.byte();
  switch (type) {
    case CANONICAL_TYPE.null:
      return null;
    case CANONICAL_TYPE.false:
      return false;
    case CANONICAL_TYPE.true:
      return true;
    case CANONICAL_TYPE.uint:
      return toInteger(r.u64());
    case CANONICAL_TYPE.negint:
      return toInteger(-1n - r.u64());
    case CANONICAL_TYPE.string:
      return r.text("string");
    case CANONICAL_TYPE.bytes:
      return r.lenBytes("bytes").slice();
    case CANONICAL_TYPE.array: {
      const count = r.u32("array count");
      // Every item takes at least one byte: refuse counts the input cannot hold before allocating.
      r.need(count, "array items");
      const items: CanonicalValue[] = [];
      for (let i = 0; i < count; i++) items.push(readValue(r, depth + 1));
      return items;
    }
    case CANONICAL_TYPE.map: {
      const count = r.u32("map count");
      r.need(count * 5, "map entries"); // a key length (4) and a type byte (1) at the very least
      const out: Record<string, CanonicalValue> = {};
      let prev: Uint8Array | undefined;
      for (let i = 0; i < count; i++) {
        const keyStart = r.off;
        const key = r.text("map key");
        const keyBytes = r.bytes.subarray(keyStart + 4, r.off);
        if (prev !== undefined && compareBytes(prev, keyBytes) >= 0) {
          r.off = keyStart;
          r.fail("map keys not strictly increasing (unsorted or duplicate)");
        }
        prev = keyBytes;
        // defineProperty keeps a "__proto__" key an ordinary own property instead of setting the prototype.
        Object.defineProperty(out, key, {
          value: readValue(r, depth + 1),
          enumerable: true,
          writable: true,
          configurable: true,
        });
      }
      return out;
    }
    default:
      r.off -= 1;
      return r.fail(`unknown type byte 0x${type.toString(16).padStart(2, "0")}`);
  }
}

/**
 * Strict inverse of `canonicalEncode`: accepts exactly the bytes the encoder produces for `tag` and nothing
 * else (wrong or missing tag, unknown type byte, truncation, trailing bytes, unsorted or duplicate map keys,
 * malformed UTF-8 and over-deep nesting are all refused), so decode-then-encode reproduces the input.
 * Integers are returned as numbers when safe, else as bigints; bytes are copies.
 * @throws {TypeError} when tag is not a non-empty string or bytes is not a Uint8Array.
 * @throws {RangeError} naming the offset and the defect when the bytes are not canonical for `tag`.
 * @example canonicalDecode("keyward v1 example", canonicalEncode("keyward v1 example", { a: 1 })) // { a: 1 }
 */
export function canonicalDecode(tag: string, bytes: Uint8Array): CanonicalValue {
  assertTag(tag);
  assertBytes(bytes, undefined, "bytes");
  const r = new Reader(bytes);
  const got = r.lenBytes("tag");
  if (!equalBytes(got, utf8(tag))) {
    r.off = 0;
    r.fail("domain-separation tag differs from the expected one");
  }
  const value = readValue(r, 0);
  if (r.off !== bytes.length) r.fail(`${bytes.length - r.off} trailing byte(s)`);
  return value;
}
