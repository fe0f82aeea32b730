// The CBOR subset ciborium 0.2 writes for River's serde types (RFC 8949): unsigned/negative integers, byte
// and text strings, arrays, maps, null/bool — definite lengths only, shortest-form heads.

/** A CBOR value of that subset. Maps keep insertion order (ciborium writes struct fields in order). */
export type CborValue = number | bigint | string | boolean | null | Uint8Array | CborValue[] | CborMap;
/** A CBOR map with text keys. */
export interface CborMap {
  readonly [key: string]: CborValue;
}

function head(major: number, n: number | bigint, out: number[]): void {
  const v = BigInt(n);
  const m = major << 5;
  if (v < 24n) out.push(m | Number(v));
  else if (v < 0x100n) out.push(m | 24, Number(v));
  else if (v < 0x10000n) out.push(m | 25, Number(v >> 8n), Number(v & 0xffn));
  else if (v < 0x1_0000_0000n) {
    out.push(m | 26);
    for (let s = 24n; s >= 0n; s -= 8n) out.push(Number((v >> s) & 0xffn));
  } else {
    out.push(m | 27);
    for (let s = 56n; s >= 0n; s -= 8n) out.push(Number((v >> s) & 0xffn));
  }
}

function enc(value: CborValue, out: number[]): void {
  if (value === null) out.push(0xf6);
  else if (value === true) out.push(0xf5);
  else if (value === false) out.push(0xf4);
  else if (typeof value === "number" || typeof value === "bigint") {
    if (typeof value === "number" && !Number.isSafeInteger(value))
      throw new RangeError("CBOR numbers must be safe integers");
    const v = BigInt(value);
    if (v >= 0n) head(0, v, out);
    else head(1, -1n - v, out);
  } else if (typeof value === "string") {
    const b = new TextEncoder().encode(value);
    head(3, b.length, out);
    for (const x of b) out.push(x);
  } else if (value instanceof Uint8Array) {
    head(2, value.length, out);
    for (const x of value) out.push(x);
  } else if (Array.isArray(value)) {
    head(4, value.length, out);
    for (const v of value) enc(v, out);
  } else {
    const entries = Object.entries(value);
    head(5, entries.length, out);
    for (const [k, v] of entries) {
      enc(k, out);
      enc(v, out);
    }
  }
}

/** Encodes a value. @throws {RangeError} a non-integer number */
export function encodeCbor(value: CborValue): Uint8Array {
  const out: number[] = [];
  enc(value, out);
  return Uint8Array.from(out);
}

class Decoder {
  pos = 0;
  constructor(readonly b: Uint8Array) {}
  byte(): number {
    if (this.pos >= this.b.length) throw new RangeError("CBOR value is truncated");
    return this.b[this.pos++]!;
  }
  arg(info: number): bigint {
    if (info < 24) return BigInt(info);
    const n = info === 24 ? 1 : info === 25 ? 2 : info === 26 ? 4 : info === 27 ? 8 : 0;
    if (n === 0) throw new RangeError("CBOR indefinite lengths and reserved heads are not supported");
    let v = 0n;
    for (let i = 0; i < n; i++) v = (v << 8n) | BigInt(this.byte());
    return v;
  }
  len(info: number): number {
    const v = this.arg(info);
    if (v > BigInt(this.b.length - this.pos)) throw new RangeError("CBOR length runs past the end");
    return Number(v);
  }
  value(depth = 0): CborValue {
    if (depth > 64) throw new RangeError("CBOR nesting too deep");
    const ib = this.byte();
    const major = ib >> 5;
    const info = ib & 31;
    switch (major) {
      case 0:
      case 1: {
        const v = this.arg(info);
        const n = major === 0 ? v : -1n - v;
        return n >= BigInt(Number.MIN_SAFE_INTEGER) && n <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(n) : n;
      }
      case 2:
      case 3: {
        const n = this.len(info);
        const s = this.b.slice(this.pos, this.pos + n);
        this.pos += n;
        if (major === 2) return s;
        try {
          return new TextDecoder("utf-8", { fatal: true }).decode(s);
        } catch {
          throw new RangeError("CBOR text string is not valid UTF-8");
        }
      }
      case 4: {
        const n = this.len(info);
        const a: CborValue[] = [];
        for (let i = 0; i < n; i++) a.push(this.value(depth + 1));
        return a;
      }
      case 5: {
        const n = this.len(info);
        const m: Record<string, CborValue> = {};
        for (let i = 0; i < n; i++) {
          const k = this.value(depth + 1);
          m[typeof k === "string" ? k : String(k)] = this.value(depth + 1);
        }
        return m;
      }
      case 7:
        if (info === 20) return false;
        if (info === 21) return true;
        if (info === 22 || info === 23) return null;
        throw new RangeError("CBOR floats and other simple values are not supported");
      default:
        throw new RangeError("CBOR tags are not supported");
    }
  }
}

/** Decodes exactly one value. @throws {RangeError} malformed, unsupported, or trailing bytes */
export function decodeCbor(bytes: Uint8Array): CborValue {
  const d = new Decoder(bytes);
  const v = d.value();
  if (d.pos !== bytes.length) throw new RangeError("CBOR value has trailing bytes");
  return v;
}
