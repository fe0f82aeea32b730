// Boundary checks shared by the delegates domain: delegate keys, app names, secret names, times.
import { assertBytes, assertInteger, assertName, assertString } from "../crypto/assert.js";
import { bytesToHex } from "../crypto/bytes.js";
import { InputRangeError, InputTypeError } from "../errors/input-errors.js";

const HEX64 = /^[0-9a-f]{64}$/;
// Printable ASCII without spaces: names are shown in listings and error messages, keep them unambiguous.
const SECRET_NAME = /^[\x21-\x7e]{1,200}$/;

/** Secret names under this prefix belong to keyward itself (session seeds) and are never revealed. */
export const RESERVED_SECRET_PREFIX = "keyward.";

/** Largest version number (u32, like River's secret versions). */
export const MAX_VERSION = 0xffffffff;

/**
 * Normalises a delegate key given as 32 bytes or 64 hex characters to lower-case hex.
 * @throws {TypeError} wrong type. @throws {RangeError} not 32 bytes / 64 hex.
 */
export function delegateKeyHex(value: unknown, name = "delegateKey"): string {
  if (typeof value === "string") {
    const v = value.toLowerCase();
    if (!HEX64.test(v)) throw new InputRangeError(`${name} must be 64 hex characters`);
    return v;
  }
  if (value instanceof Uint8Array) {
    assertBytes(value, 32, name);
    return bytesToHex(value);
  }
  throw new InputTypeError(`${name} must be 32 bytes or 64 hex characters`);
}

/** Asserts an app name: 1–64 of `a-z 0-9 . _ -`, starting with a letter or digit. */
export function assertAppName(value: unknown, name = "app"): asserts value is string {
  assertName(value, name);
}

/**
 * Asserts a user secret name: 1–200 printable ASCII characters, no spaces, not under the reserved prefix.
 */
export function assertSecretName(value: unknown, name = "name"): asserts value is string {
  assertString(value, name, { nonEmpty: true, maxLength: 200 });
  if (!SECRET_NAME.test(value)) throw new InputRangeError(`${name} must be printable ASCII without spaces`);
  if (value.startsWith(RESERVED_SECRET_PREFIX))
    throw new InputRangeError(`${name} must not start with the reserved prefix "${RESERVED_SECRET_PREFIX}"`);
}

/** Asserts a version number in [0, 2^32−1]. */
export function assertVersion(value: unknown, name = "version"): asserts value is number {
  assertInteger(value, 0, MAX_VERSION, name);
}

/** Asserts an epoch-millisecond time. */
export function assertTime(value: unknown, name: string): asserts value is number {
  assertInteger(value, 0, 8.64e15, name);
}
