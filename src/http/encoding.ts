// Byte values in JSON bodies: base64url (default), hex or utf8, decoded strictly and naming the field.

import { InputRangeError } from "../errors/input-errors.js";
import { base64urlToBytes, bytesToBase64url, bytesToHex, hexToBytes } from "../service/primitives.js";

/** How bytes are written in a JSON body. */
export type ByteEncoding = "base64url" | "hex" | "utf8";

const utf8Decoder = new TextDecoder("utf-8", { fatal: true });
// A UTF-16 surrogate without its pair has no UTF-8 form: TextEncoder would silently write U+FFFD instead.
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/**
 * Decodes `text` written in `encoding`; errors name `field` and never echo the value.
 * @throws {RangeError} for a malformed value.
 */
export function decodeBytes(text: string, encoding: ByteEncoding, field: string): Uint8Array {
  if (encoding === "hex") return hexToBytes(text, field);
  if (encoding === "utf8") {
    if (LONE_SURROGATE.test(text))
      throw new InputRangeError(`${field}: not valid Unicode text (a lone surrogate), send base64url or hex`);
    return new TextEncoder().encode(text);
  }
  return base64urlToBytes(text, field);
}

/**
 * Encodes `bytes` as `encoding`.
 * @throws {RangeError} when `utf8` is asked for bytes that are not valid UTF-8.
 */
export function encodeBytes(bytes: Uint8Array, encoding: ByteEncoding): string {
  if (encoding === "hex") return bytesToHex(bytes);
  if (encoding === "base64url") return bytesToBase64url(bytes);
  try {
    return utf8Decoder.decode(bytes);
  } catch {
    throw new InputRangeError("encoding: value is not valid UTF-8, ask for base64url or hex");
  }
}
