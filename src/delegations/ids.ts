// Delegation ids and positions: one normal form for delegators, providers and scopes (integers or strings).
import { InputRangeError, InputTypeError } from "../errors/input-errors.js";

/**
 * A delegator, provider or scope id as given by a caller: a non-negative integer up to 2^53−1, or a string.
 * Normal form (see docs/delegations.md): integers stay numbers; a string made only of ASCII digits IS that
 * integer (so `"42"` and `42` name the same id) and must be canonical (no leading zero, ≤ 2^53−1); any other
 * string is kept byte-for-byte (no case folding, no Unicode normalisation).
 */
export type DelegationId = string | number;

/** Longest accepted string id, in UTF-16 code units. */
export const MAX_ID_LENGTH = 256;

const DIGITS = /^[0-9]+$/;

/** True when `text` holds a C0 control character or DEL (they break NDJSON/CSV lines and terminal output). */
export function hasControlChar(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x20 || c === 0x7f) return true;
  }
  return false;
}

/**
 * Returns the normal form of an id.
 * @throws {TypeError} when `value` is neither a string nor a number.
 * @throws {RangeError} for a negative/fractional/unsafe integer, an empty or over-long string, a string with
 *   control characters or lone surrogates, or a non-canonical digit string ("007", "9007199254740992").
 * @example normalizeId("42") === 42; normalizeId("schema:posts") === "schema:posts";
 */
export function normalizeId(value: unknown, name: string): DelegationId {
  if (typeof value === "number") {
    if (!Number.isSafeInteger(value) || value < 0)
      throw new InputRangeError(`${name} must be an integer between 0 and 2^53-1 or a string`);
    return value;
  }
  if (typeof value !== "string") throw new InputTypeError(`${name} must be a string or an integer`);
  if (value.length === 0) throw new InputRangeError(`${name} must not be empty`);
  if (value.length > MAX_ID_LENGTH)
    throw new InputRangeError(`${name} must be at most ${MAX_ID_LENGTH} characters`);
  if (DIGITS.test(value)) {
    const n = Number(value);
    if ((value.length > 1 && value.charCodeAt(0) === 48) || !Number.isSafeInteger(n))
      throw new InputRangeError(`${name}: a digit-only id must be a canonical integer between 0 and 2^53-1`);
    return n;
  }
  if (hasControlChar(value) || !value.isWellFormed())
    throw new InputRangeError(`${name} must not contain control characters or lone surrogates`);
  return value;
}

/**
 * Asserts a position (block number or time): an integer in [0, 2^53−1].
 * @throws {TypeError} when not an integer number. @throws {RangeError} when negative or unsafe.
 */
export function assertPosition(value: unknown, name: string): asserts value is number {
  if (typeof value !== "number" || !Number.isInteger(value))
    throw new InputTypeError(`${name} must be an integer`);
  if (value < 0 || !Number.isSafeInteger(value))
    throw new InputRangeError(`${name} must be between 0 and 2^53-1`);
}

/** Parses a position written as decimal text (CLI flags, CSV cells). @throws {RangeError} naming `name`. */
export function parsePosition(text: string, name: string): number {
  if (!DIGITS.test(text)) throw new InputRangeError(`${name} must be a non-negative integer`);
  const n = Number(text);
  if (!Number.isSafeInteger(n)) throw new InputRangeError(`${name} must be between 0 and 2^53-1`);
  return n;
}
