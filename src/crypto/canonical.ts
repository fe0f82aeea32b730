// Canonical encoding for everything signed or hashed: deterministic bytes behind a domain-separation tag.
// Format (docs/wire-format.md): u32le(len(tag)) ‖ tag ‖ value, where value is one type byte then payload.
import { InputRangeError, InputTypeError } from "../errors/input-errors.js";
import { isBytes } from "./assert.js";
import { utf8 } from "./bytes.js";

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

class Writer {
  chunks: Uint8Array[] = [];
  size = 0;
  push(b: Uint8Array): void {
    this.chunks.push(b);
    this.size += b.length;
  }
  byte(v: number): void {
    this.push(Uint8Array.of(v));
  }
  u32(v: number): void {
    const b = new Uint8Array(4);
    new DataView(b.buffer).setUint32(0, v, true);
    this.push(b);
  }
  u64(v: bigint): void {
    const b = new Uint8Array(8);
    new DataView(b.buffer).setBigUint64(0, v, true);
    this.push(b);
  }
  lenBytes(b: Uint8Array): void {
    this.u32(b.length);
    this.push(b);
  }
  finish(): Uint8Array {
    const out = new Uint8Array(this.size);
    let off = 0;
    for (const c of this.chunks) {
      out.set(c, off);
      off += c.length;
    }
    return out;
  }
}

const U64_MAX = (1n << 64n) - 1n;

function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const d = (a[i] ?? 0) - (b[i] ?? 0);
    if (d !== 0) return d;
  }
  return a.length - b.length;
}

function writeValue(w: Writer, v: CanonicalValue, path: string, depth: number): void {
  if (depth > 64) throw new InputRangeError(`${path} nests too deeply`);
  if (v === null) {
    w.byte(CANONICAL_TYPE.null);
    return;
  }
  if (v === false) {
    w.byte(CANONICAL_TYPE.false);
    return;
  }
  if (v === true) {
    w.byte(CANONICAL_TYPE.true);
    return;
  }
  if (typeof v === "number" || typeof v === "bigint") {
    if (typeof v === "number" && !Number.isSafeInteger(v))
      throw new InputRangeError(`${path} must be a safe integer`);
    const n = BigInt(v);
    const mag = n < 0n ? -n - 1n : n; // negint stores −1 − n, so every integer has one encoding
    if (mag > U64_MAX) throw new InputRangeError(`${path} is out of the 64-bit range`);
    w.byte(n < 0n ? CANONICAL_TYPE.negint : CANONICAL_TYPE.uint);
    w.u64(mag);
    return;
  }
  if (typeof v === "string") {
    if (!v.isWellFormed()) throw new InputRangeError(`${path} is not well-formed Unicode`);
    w.byte(CANONICAL_TYPE.string);
    w.lenBytes(utf8(v));
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
    const entries = Object.entries(v).map(([k, val]) => [utf8(k), k, val] as const);
    entries.sort((a, b) => compareBytes(a[0], b[0]));
    w.byte(CANONICAL_TYPE.map);
    w.u32(entries.length);
    for (const [kb, k, val] of entries) {
      if (val === undefined) throw new InputTypeError(`${path}.${k} is undefined`);
      w.lenBytes(kb);
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
  if (typeof tag !== "string" || tag.length === 0) throw new InputTypeError("tag must be a non-empty string");
  const w = new Writer();
  w.lenBytes(utf8(tag));
  writeValue(w, value, "$", 0);
  return w.finish();
}
