// The Secret wrapper: bytes that never show up in JSON, strings, template literals or util.inspect.
import { inspect } from "node:util";
import { InputTypeError } from "../errors/input-errors.js";
import { assertBytes } from "./assert.js";
import { equalBytes, wipe } from "./bytes.js";

const REDACTED = "[Secret redacted]";

/**
 * Holds secret bytes. Serialization and printing are redacted; the bytes are reachable only through
 * `expose()` (explicit) or `use()` (scoped). `wipe()` zeroes the held copy.
 *
 * @example
 * const s = Secret.from(randomBytes(32));
 * s.use((bytes) => sign(bytes, msg));
 * JSON.stringify({ s }); // '{"s":"[Secret redacted]"}'
 */
export class Secret {
  readonly #bytes: Uint8Array;
  #wiped = false;

  private constructor(bytes: Uint8Array) {
    this.#bytes = bytes;
  }

  /** Wraps a copy of `bytes` (the caller keeps and should wipe its own copy). */
  static from(bytes: Uint8Array): Secret {
    assertBytes(bytes, undefined, "secret");
    return new Secret(Uint8Array.from(bytes));
  }

  /** Wraps `bytes` without copying: the Secret takes ownership (and wipes them on `wipe()`). */
  static adopt(bytes: Uint8Array): Secret {
    assertBytes(bytes, undefined, "secret");
    return new Secret(bytes);
  }

  /** True when `value` is a Secret. */
  static is(value: unknown): value is Secret {
    return value instanceof Secret;
  }

  /** Number of secret bytes (not secret itself). */
  get length(): number {
    return this.#bytes.length;
  }

  /** True once `wipe()` ran. */
  get wiped(): boolean {
    return this.#wiped;
  }

  /**
   * The held bytes themselves (no copy): an explicit, greppable opt-in. Do not keep the reference.
   * @throws {TypeError} after `wipe()`.
   */
  expose(): Uint8Array {
    if (this.#wiped) throw new InputTypeError("secret was wiped");
    return this.#bytes;
  }

  /** Runs `fn` with the bytes and returns its result (sync or async). */
  use<T>(fn: (bytes: Uint8Array) => T): T {
    return fn(this.expose());
  }

  /** Constant-time comparison with another Secret. */
  equals(other: Secret): boolean {
    return equalBytes(this.expose(), other.expose());
  }

  /** Zeroes the held bytes; later access throws. */
  wipe(): void {
    wipe(this.#bytes);
    this.#wiped = true;
  }

  toJSON(): string {
    return REDACTED;
  }

  toString(): string {
    return REDACTED;
  }

  [Symbol.toPrimitive](): string {
    return REDACTED;
  }

  [inspect.custom](): string {
    return `Secret(${REDACTED}, ${this.#bytes.length} bytes)`;
  }
}

/**
 * Finds a Secret anywhere inside a plain value (objects, arrays, maps, sets). Used by the state store to
 * refuse records that would copy a secret into ordinary state (DESIGN Invariant 1).
 * @returns the path of the first Secret found, or undefined.
 */
export function findSecret(value: unknown, path = "$", seen = new Set<unknown>()): string | undefined {
  if (value instanceof Secret) return path;
  if (value === null || typeof value !== "object" || seen.has(value)) return undefined;
  seen.add(value);
  if (ArrayBuffer.isView(value)) return undefined;
  if (value instanceof Map) {
    for (const [k, v] of value) {
      const hit = findSecret(k, `${path}.<key>`, seen) ?? findSecret(v, `${path}[${String(k)}]`, seen);
      if (hit) return hit;
    }
    return undefined;
  }
  if (value instanceof Set || Array.isArray(value)) {
    let i = 0;
    for (const v of value) {
      const hit = findSecret(v, `${path}[${i++}]`, seen);
      if (hit) return hit;
    }
    return undefined;
  }
  for (const [k, v] of Object.entries(value)) {
    const hit = findSecret(v, `${path}.${k}`, seen);
    if (hit) return hit;
  }
  return undefined;
}
