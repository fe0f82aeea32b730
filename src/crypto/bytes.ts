// Byte helpers: strict hex/base64url codecs, concatenation, little-endian ints, constant-time equality, wipe.
import { timingSafeEqual } from "node:crypto";
import { InputRangeError, InputTypeError } from "../errors/input-errors.js";
import { assertBytes, assertInteger } from "./assert.js";

const ENCODER = new TextEncoder();
const HEX_RE = /^(?:[0-9a-fA-F]{2})*$/;
const B64URL_RE = /^[A-Za-z0-9_-]*$/;

/** Lower-case hex of `bytes`. */
export function bytesToHex(bytes: Uint8Array): string {
  assertBytes(bytes, undefined, "bytes");
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("hex");
}

/**
 * Strict hex decode (even length, hex digits only, no prefix). The message names `name`, never the input.
 * @throws {TypeError} when not a string. @throws {RangeError} for bad characters, odd or wrong length.
 */
export function hexToBytes(hex: unknown, name = "hex", length?: number): Uint8Array {
  if (typeof hex !== "string") throw new InputTypeError(`${name} must be a hex string`);
  if (!HEX_RE.test(hex))
    throw new InputRangeError(`${name} must be hex (an even number of 0-9a-f characters)`);
  if (length !== undefined && hex.length !== length * 2) {
    throw new InputRangeError(
      `${name} must be ${length} bytes (${length * 2} hex characters), got ${hex.length / 2}`,
    );
  }
  return new Uint8Array(Buffer.from(hex, "hex"));
}

/** Unpadded base64url of `bytes`. */
export function bytesToBase64url(bytes: Uint8Array): string {
  assertBytes(bytes, undefined, "bytes");
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("base64url");
}

/**
 * Strict unpadded base64url decode: rejects padding, other alphabets, impossible lengths and non-canonical
 * trailing bits (so every string has exactly one byte form).
 */
export function base64urlToBytes(text: unknown, name = "base64url"): Uint8Array {
  if (typeof text !== "string") throw new InputTypeError(`${name} must be a base64url string`);
  if (!B64URL_RE.test(text) || text.length % 4 === 1)
    throw new InputRangeError(`${name} must be unpadded base64url`);
  const bytes = new Uint8Array(Buffer.from(text, "base64url"));
  if (Buffer.from(bytes).toString("base64url") !== text)
    throw new InputRangeError(`${name} is not canonical base64url`);
  return bytes;
}

/** Concatenates byte arrays into a new array. */
export function concatBytes(...parts: Uint8Array[]): Uint8Array {
  let total = 0;
  for (const [i, p] of parts.entries()) {
    assertBytes(p, undefined, `parts[${i}]`);
    total += p.length;
  }
  const out = new Uint8Array(total);
  let off = 0;
  for (const p of parts) {
    out.set(p, off);
    off += p.length;
  }
  return out;
}

/** 4-byte little-endian encoding of an integer in [0, 2^32−1]. */
export function u32le(value: number, name = "value"): Uint8Array {
  assertInteger(value, 0, 0xffffffff, name);
  const out = new Uint8Array(4);
  new DataView(out.buffer).setUint32(0, value, true);
  return out;
}

/** 8-byte little-endian encoding of an integer in [0, 2^53−1]. */
export function u64le(value: number, name = "value"): Uint8Array {
  assertInteger(value, 0, Number.MAX_SAFE_INTEGER, name);
  const out = new Uint8Array(8);
  new DataView(out.buffer).setBigUint64(0, BigInt(value), true);
  return out;
}

/** UTF-8 encoding of a string. */
export function utf8(text: string): Uint8Array {
  return ENCODER.encode(text);
}

/** Constant-time equality; arrays of different lengths are unequal (length is not secret). */
export function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  assertBytes(a, undefined, "a");
  assertBytes(b, undefined, "b");
  if (a.length !== b.length) return false;
  return timingSafeEqual(a, b);
}

/** Overwrites every byte with zero (best effort: JS cannot guarantee no other copy exists). */
export function wipe(...buffers: (Uint8Array | undefined)[]): void {
  for (const b of buffers) b?.fill(0);
}
