// Named transaction locks: the boundary checks every backend shares and the 64-bit lock ids PostgreSQL uses.
import { utf8 } from "../crypto/bytes.js";
import { sha256 } from "../crypto/hash.js";
import { InputRangeError, InputTypeError } from "../errors/input-errors.js";
import { assertStoreKey } from "./keys.js";

/** Most keys one `lock` call takes (a migration takes two; more would be a programming error). */
export const MAX_LOCK_KEYS = 64;

/**
 * Checks a `lock(scope, keys, mode)` call and returns its keys as an array without duplicates.
 * @throws {TypeError} wrong types. @throws {RangeError} no keys, too many, or a malformed scope or key.
 */
export function checkLockArgs(scope: unknown, keys: unknown, mode: unknown): string[] {
  assertStoreKey(scope, "scope");
  const list: unknown[] = typeof keys === "string" ? [keys] : Array.isArray(keys) ? keys : [];
  if (typeof keys !== "string" && !Array.isArray(keys))
    throw new InputTypeError("keys must be a string or an array of strings");
  if (list.length === 0 || list.length > MAX_LOCK_KEYS)
    throw new InputRangeError(`keys must hold 1 to ${MAX_LOCK_KEYS} entries`);
  for (const key of list) assertStoreKey(key, "key");
  if (mode !== "shared" && mode !== "exclusive")
    throw new InputTypeError('mode must be "shared" or "exclusive"');
  return [...new Set(list as string[])];
}

/**
 * The signed 64-bit advisory-lock id of (schema, scope, key): the first 8 bytes of a SHA-256 over the three,
 * NUL-separated (none may contain NUL). Two keys sharing an id only wait for each other; nothing else.
 */
export function advisoryLockId(schema: string, scope: string, key: string): bigint {
  const digest = sha256(utf8(`${schema}\u0000${scope}\u0000${key}`));
  return new DataView(digest.buffer, digest.byteOffset, 8).getBigInt64(0);
}

/** The ids of `keys` in ascending order: every transaction takes its locks in this one global order. */
export function orderedLockIds(schema: string, scope: string, keys: readonly string[]): bigint[] {
  return [...new Set(keys.map((k) => advisoryLockId(schema, scope, k)))].sort((a, b) =>
    a < b ? -1 : a > b ? 1 : 0,
  );
}
