// Minimal CBOR (RFC 8949) writer and reader with exactly the shapes ciborium 0.2's serde encoding produces.
import { concatBytes } from "../../crypto/bytes.js";
import { InputRangeError } from "../../errors/input-errors.js";

const enc = new TextEncoder();
const dec = new TextDecoder("utf-8", { fatal: true });

/**
 * Appends CBOR items the way ciborium serializes serde data: definite lengths, shortest argument form
 * (RFC 8949 §4.2.1), text map keys in field order, `null` for `None`.
 * @example const w = new CborWriter(); w.mapHeader(1); w.text("owner"); w.bytes(vk); w.finish();
 */
export class CborWriter {
  #buf = new Uint8Array(256);
  #len = 0;

  #room(n: number): void {
    if (this.#len + n <= this.#buf.length) return;
    let size = this.#buf.length * 2;
    while (size < this.#len + n) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.#buf.subarray(0, this.#len));
    this.#buf = next;
  }

  #head(major: number, arg: bigint | number): void {
    const a = BigInt(arg);
    const m = major << 5;
    this.#room(9);
    const b = this.#buf;
    if (a < 24n) b[this.#len++] = m | Number(a);
    else if (a < 0x100n) {
      b[this.#len++] = m | 24;
      b[this.#len++] = Number(a);
    } else if (a < 0x10000n) {
      b[this.#len++] = m | 25;
      b[this.#len++] = Number(a >> 8n);
      b[this.#len++] = Number(a & 0xffn);
    } else if (a < 0x100000000n) {
      b[this.#len++] = m | 26;
      new DataView(b.buffer).setUint32(this.#len, Number(a));
      this.#len += 4;
    } else {
      b[this.#len++] = m | 27;
      new DataView(b.buffer).setBigUint64(this.#len, a);
      this.#len += 8;
    }
  }

  /** An unsigned integer (0 … 2^64−1). */
  uint(n: number | bigint): this {
    if (BigInt(n) < 0n) throw new InputRangeError("uint must not be negative");
    this.#head(0, n);
    return this;
  }

  /** A signed integer (−2^63 … 2^63−1): major type 0 or 1 as serde's i64 does. */
  int(n: number | bigint): this {
    const v = BigInt(n);
    if (v >= 0n) this.#head(0, v);
    else this.#head(1, -1n - v);
    return this;
  }

  /** A byte string (serde `serialize_bytes`). */
  bytes(data: Uint8Array): this {
    this.#head(2, data.length);
    this.raw(data);
    return this;
  }

  /** A fixed-size byte array as serde serializes `[u8; N]` and `Vec<u8>`: an array of small integers. */
  byteArray(data: Uint8Array): this {
    this.#head(4, data.length);
    this.#room(data.length * 2);
    for (const x of data) this.#head(0, x);
    return this;
  }

  /** A UTF-8 text string. */
  text(s: string): this {
    const b = enc.encode(s);
    this.#head(3, b.length);
    this.raw(b);
    return this;
  }

  /** An array header of `n` items. */
  arrayHeader(n: number): this {
    this.#head(4, n);
    return this;
  }

  /** A map header of `n` entries. */
  mapHeader(n: number): this {
    this.#head(5, n);
    return this;
  }

  /** `null` (serde `None` and unit). */
  null(): this {
    this.#room(1);
    this.#buf[this.#len++] = 0xf6;
    return this;
  }

  /** Already-encoded CBOR bytes, appended verbatim. */
  raw(data: Uint8Array): this {
    this.#room(data.length);
    this.#buf.set(data, this.#len);
    this.#len += data.length;
    return this;
  }

  /** The bytes written so far (a copy). */
  finish(): Uint8Array {
    return this.#buf.slice(0, this.#len);
  }
}

/** Kinds of CBOR item the reader distinguishes. */
export type CborKind = "uint" | "nint" | "bytes" | "text" | "array" | "map" | "tag" | "simple";

const KINDS: readonly CborKind[] = ["uint", "nint", "bytes", "text", "array", "map", "tag", "simple"];
const MAX_DEPTH = 64;

/**
 * Reads CBOR items with the path of the field being read in every error (`state.members[2].signature`).
 * Accepts what ciborium's deserializer accepts for these types (any argument width, indefinite strings
 * and containers); callers that need canonical bytes re-encode and compare.
 * @throws {RangeError} naming the path on truncated or mistyped input.
 */
export class CborReader {
  pos = 0;
  readonly path: string[] = [];

  constructor(readonly data: Uint8Array) {}

  /** Raises a RangeError naming the current path. */
  fail(msg: string): never {
    throw new InputRangeError(`${this.path.join("") || "cbor"}: ${msg}`);
  }

  /** Runs `fn` with `segment` appended to the error path. */
  at<T>(segment: string, fn: () => T): T {
    this.path.push(segment);
    if (this.path.length > MAX_DEPTH) this.fail("nesting is too deep");
    const v = fn();
    this.path.pop();
    return v;
  }

  #byte(): number {
    const b = this.data[this.pos];
    if (b === undefined) this.fail("unexpected end of input");
    this.pos++;
    return b;
  }

  /** The kind of the next item without consuming it. */
  peek(): CborKind {
    const b = this.data[this.pos];
    if (b === undefined) this.fail("unexpected end of input");
    return KINDS[b >> 5]!;
  }

  /** True (and consumed) when the next item is `null`. */
  takeNull(): boolean {
    if (this.data[this.pos] === 0xf6) {
      this.pos++;
      return true;
    }
    return false;
  }

  /** Head of the next item: major type and argument (-1n for indefinite length). */
  head(): { major: number; arg: bigint } {
    const ib = this.#byte();
    const major = ib >> 5;
    const info = ib & 31;
    if (info < 24) return { major, arg: BigInt(info) };
    if (info === 31) {
      if (major >= 2 && major <= 5) return { major, arg: -1n };
      this.fail("unexpected break or indefinite item");
    }
    const width = info === 24 ? 1 : info === 25 ? 2 : info === 26 ? 4 : info === 27 ? 8 : 0;
    if (width === 0) this.fail("reserved additional information");
    if (this.pos + width > this.data.length) this.fail("unexpected end of input");
    let arg = 0n;
    for (let i = 0; i < width; i++) arg = (arg << 8n) | BigInt(this.data[this.pos++]!);
    return { major, arg };
  }

  #expect(major: number, what: string): bigint {
    const start = this.pos;
    const h = this.head();
    if (h.major !== major) {
      this.pos = start;
      this.fail(`expected ${what}, found ${KINDS[h.major]}`);
    }
    return h.arg;
  }

  /** An unsigned integer no larger than `max`. */
  uint(max: bigint = 0xffff_ffff_ffff_ffffn): bigint {
    const v = this.#expect(0, "an unsigned integer");
    if (v > max) this.fail(`integer is larger than ${max}`);
    return v;
  }

  /** An unsigned integer that fits `max` (≤ 2^53−1), as a number. */
  uintNumber(max: number): number {
    return Number(this.uint(BigInt(max)));
  }

  /** A signed 64-bit integer (major type 0 or 1). */
  int64(): bigint {
    const start = this.pos;
    const h = this.head();
    if (h.major === 0 && h.arg <= 0x7fff_ffff_ffff_ffffn) return h.arg;
    if (h.major === 1 && h.arg <= 0x7fff_ffff_ffff_ffffn) return -1n - h.arg;
    this.pos = start;
    this.fail("expected a 64-bit signed integer");
  }

  #chunks(major: number, arg: bigint): Uint8Array {
    if (arg >= 0n) {
      const n = Number(arg);
      if (this.pos + n > this.data.length) this.fail("unexpected end of input");
      const out = this.data.slice(this.pos, this.pos + n);
      this.pos += n;
      return out;
    }
    const parts: Uint8Array[] = [];
    while (this.data[this.pos] !== 0xff)
      parts.push(this.#chunks(major, this.#expect(major, "a string chunk")));
    this.pos++;
    return concatBytes(...parts);
  }

  /** A byte string, optionally of exactly `length` bytes. */
  bytes(length?: number): Uint8Array {
    const out = this.#chunks(2, this.#expect(2, "a byte string"));
    if (length !== undefined && out.length !== length)
      this.fail(`expected ${length} bytes, found ${out.length}`);
    return out;
  }

  /** A text string. */
  text(): string {
    const raw = this.#chunks(3, this.#expect(3, "a text string"));
    try {
      return dec.decode(raw);
    } catch {
      this.fail("text is not valid UTF-8");
    }
  }

  /** Items of an array, each read by `item` (index in the path). */
  array<T>(item: (i: number) => T, max = 1 << 20): T[] {
    const n = this.#expect(4, "an array");
    const out: T[] = [];
    if (n >= 0n) {
      if (n > BigInt(max)) this.fail(`array has more than ${max} items`);
      for (let i = 0; i < Number(n); i++) out.push(this.at(`[${i}]`, () => item(i)));
      return out;
    }
    for (let i = 0; this.data[this.pos] !== 0xff; i++) {
      if (i >= max) this.fail(`array has more than ${max} items`);
      out.push(this.at(`[${i}]`, () => item(i)));
    }
    this.pos++;
    return out;
  }

  /** A `[u8; N]` / `Vec<u8>` as serde writes it (array of integers 0…255); ciborium also accepts bytes. */
  byteArray(length?: number): Uint8Array {
    let out: Uint8Array;
    if (this.peek() === "bytes") out = this.bytes();
    else out = Uint8Array.from(this.array(() => this.uintNumber(255), 1 << 24));
    if (length !== undefined && out.length !== length)
      this.fail(`expected ${length} bytes, found ${out.length}`);
    return out;
  }

  /**
   * A struct as a map with text keys: `fields[key]` reads each value; keys not listed are refused; a key
   * listed in `required` but absent is refused. Returns the keys seen.
   */
  struct(fields: Record<string, () => void>, required: readonly string[]): Set<string> {
    const n = this.#expect(5, "a map (struct)");
    const seen = new Set<string>();
    const one = (): void => {
      const key = this.text();
      const read = Object.hasOwn(fields, key) ? fields[key] : undefined;
      if (!read) this.fail(`unknown field "${key.slice(0, 40)}"`);
      if (seen.has(key)) this.fail(`duplicate field "${key}"`);
      seen.add(key);
      this.at(`.${key}`, read);
    };
    if (n >= 0n) for (let i = 0n; i < n; i++) one();
    else {
      while (this.data[this.pos] !== 0xff) one();
      this.pos++;
    }
    for (const k of required) if (!seen.has(k)) this.fail(`missing field "${k}"`);
    return seen;
  }

  /** Skips one complete item and returns its bytes verbatim. */
  skip(depth = 0): Uint8Array {
    if (depth > MAX_DEPTH) this.fail("nesting is too deep");
    const start = this.pos;
    const { major, arg } = this.head();
    if (major === 2 || major === 3) this.#chunks(major, arg);
    else if (major === 4 || major === 5) {
      const per = major === 5 ? 2 : 1;
      if (arg >= 0n) for (let i = 0n; i < arg * BigInt(per); i++) this.skip(depth + 1);
      else {
        while (this.data[this.pos] !== 0xff) this.skip(depth + 1);
        this.pos++;
      }
    } else if (major === 6) this.skip(depth + 1);
    // major 0, 1 and 7 (simple values, floats): head() already consumed the whole item.
    return this.data.slice(start, this.pos);
  }

  /** Fails unless every byte was consumed. */
  end(): void {
    if (this.pos !== this.data.length) this.fail(`${this.data.length - this.pos} trailing bytes`);
  }
}
