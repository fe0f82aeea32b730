// Boundary checks for table names, keys and secret names shared by every backend (same rules on SQLite and Postgres).
import { assertString } from "../crypto/assert.js";
import { InputRangeError } from "../errors/input-errors.js";

/** Longest key in UTF-8 bytes: well under Postgres' B-tree entry limit (~2.7 KB) so both backends agree. */
export const MAX_KEY_BYTES = 1024;

/**
 * Asserts a storage key/name: a well-formed string (no lone surrogates, which would not round-trip through
 * UTF-8), without NUL (Postgres TEXT cannot hold it) or U+10FFFF (the prefix-scan sentinel), at most
 * MAX_KEY_BYTES bytes.
 * @throws {TypeError} when not a string. @throws {RangeError} when empty (if `nonEmpty`), too long or malformed.
 */
export function assertStoreKey(value: unknown, name: string, nonEmpty = true): asserts value is string {
  assertString(value, name, { nonEmpty });
  if (!value.isWellFormed()) throw new InputRangeError(`${name} must be well-formed Unicode`);
  if (value.includes("\u0000") || value.includes("\u{10FFFF}"))
    throw new InputRangeError(`${name} must not contain U+0000 or U+10FFFF`);
  if (Buffer.byteLength(value, "utf8") > MAX_KEY_BYTES)
    throw new InputRangeError(`${name} must be at most ${MAX_KEY_BYTES} UTF-8 bytes`);
}

/** Asserts one (table, key) pair the way every backend does, before any statement runs. */
export function assertTableKey(table: string, key: string): void {
  assertStoreKey(table, "table");
  assertStoreKey(key, "key", false);
}

/** Asserts a table name and every key of a bulk read. */
export function assertTableKeys(table: string, keys: readonly string[]): void {
  assertStoreKey(table, "table");
  for (const key of keys) assertStoreKey(key, "key", false);
}

/** Asserts a table name and every entry's key of a bulk insert. */
export function assertTableEntries(table: string, entries: readonly { readonly key: string }[]): void {
  assertStoreKey(table, "table");
  for (const e of entries) assertStoreKey(e.key, "key", false);
}
