// Flag parsers: each names the flag in its error and never echoes a (possibly secret) value.

import { readFileSync } from "node:fs";
import { InputRangeError } from "../errors/input-errors.js";
// codecs.js, not primitives.js: a flag parser must not load libsodium (every command imports this file).
import { hexToBytes } from "../service/codecs.js";

/** Parses a hex flag, optionally of an exact byte length. */
export function parseHexFlag(value: string | undefined, flag: string, length?: number): Uint8Array {
  if (value === undefined) throw new InputRangeError(`${flag} is required`);
  return hexToBytes(value.startsWith("0x") ? value.slice(2) : value, flag, length);
}

/** Parses a decimal integer flag in [min, max] (no exponents, signs only for negatives, no fractions). */
export function parseIntFlag(value: string | undefined, flag: string, min: number, max: number): number {
  if (value === undefined) throw new InputRangeError(`${flag} is required`);
  if (!/^-?\d+$/.test(value.trim())) throw new InputRangeError(`${flag} must be an integer`);
  const n = Number(value.trim());
  if (!Number.isSafeInteger(n) || n < min || n > max)
    throw new InputRangeError(`${flag} must be between ${min} and ${max}`);
  return n;
}

/** Reads a file flag's bytes; a missing/unreadable file is bad input naming the flag. */
export function readFileFlag(path: string | undefined, flag: string): Uint8Array {
  if (path === undefined) throw new InputRangeError(`${flag} is required`);
  try {
    return new Uint8Array(readFileSync(path));
  } catch {
    throw new InputRangeError(`${flag}: cannot read file ${path}`);
  }
}

/** Parses a comma-separated list flag into non-empty trimmed items. */
export function parseListFlag(value: string | undefined, flag: string): string[] {
  if (value === undefined) throw new InputRangeError(`${flag} is required`);
  const items = value.split(",").map((s) => s.trim());
  if (items.length === 0 || items.some((s) => s.length === 0))
    throw new InputRangeError(`${flag} must be a comma-separated list`);
  return items;
}
