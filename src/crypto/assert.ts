// Boundary assertions (noble style): TypeError for a wrong type, RangeError for a wrong length or range.
import { InputRangeError, InputTypeError } from "../errors/input-errors.js";

/** True for a Uint8Array (also Buffer), across realms. */
export function isBytes(value: unknown): value is Uint8Array {
  return (
    value instanceof Uint8Array || (ArrayBuffer.isView(value) && value.constructor.name === "Uint8Array")
  );
}

/**
 * Asserts `value` is a Uint8Array, optionally of exactly `length` bytes.
 * @throws {TypeError} when not bytes. @throws {RangeError} when the length differs.
 * @example assertBytes(seed, 32, "seed");
 */
export function assertBytes(
  value: unknown,
  length: number | undefined,
  name: string,
): asserts value is Uint8Array {
  if (!isBytes(value)) throw new InputTypeError(`${name} must be a Uint8Array`);
  if (length !== undefined && value.length !== length) {
    throw new InputRangeError(`${name} must be ${length} bytes, got ${value.length}`);
  }
}

/**
 * Asserts `value` is an integer in [min, max].
 * @throws {TypeError} when not an integer number. @throws {RangeError} when out of range.
 */
export function assertInteger(
  value: unknown,
  min: number,
  max: number,
  name: string,
): asserts value is number {
  if (typeof value !== "number" || !Number.isInteger(value))
    throw new InputTypeError(`${name} must be an integer`);
  if (value < min || value > max) throw new InputRangeError(`${name} must be between ${min} and ${max}`);
}

/** Asserts `value` is a string, optionally non-empty and at most `maxLength` characters. */
export function assertString(
  value: unknown,
  name: string,
  opts: { nonEmpty?: boolean; maxLength?: number } = {},
): asserts value is string {
  if (typeof value !== "string") throw new InputTypeError(`${name} must be a string`);
  if (opts.nonEmpty && value.length === 0) throw new InputRangeError(`${name} must not be empty`);
  if (opts.maxLength !== undefined && value.length > opts.maxLength) {
    throw new InputRangeError(`${name} must be at most ${opts.maxLength} characters`);
  }
}

/** Asserts `value` is a function. */
export function assertFunction(value: unknown, name: string): asserts value is (...args: never[]) => unknown {
  if (typeof value !== "function") throw new InputTypeError(`${name} must be a function`);
}

/**
 * The shape of keyward's short names — partitions, child labels, app names, audit kinds: 1–64 of
 * `a-z 0-9 . _ -`, starting with a letter or digit (safe in paths, keys, URLs and log lines).
 */
export const NAME_PATTERN = "^[a-z0-9][a-z0-9._-]{0,63}$";
const NAME_RE = new RegExp(NAME_PATTERN);

/**
 * Asserts a short name (NAME_PATTERN).
 * @throws {TypeError} when not a string. @throws {RangeError} when it does not match (the value is not echoed).
 * @example assertName(partition, "partition");
 */
export function assertName(value: unknown, name: string): asserts value is string {
  if (typeof value !== "string") throw new InputTypeError(`${name} must be a string`);
  if (!NAME_RE.test(value)) throw new InputRangeError(`${name} must match [a-z0-9][a-z0-9._-]{0,63}`);
}
