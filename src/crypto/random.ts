// CSPRNG bytes from node:crypto.
import { randomBytes as nodeRandomBytes } from "node:crypto";
import { assertInteger } from "./assert.js";

/** `length` cryptographically secure random bytes. */
export function randomBytes(length: number): Uint8Array {
  assertInteger(length, 0, 1 << 20, "length");
  return new Uint8Array(nodeRandomBytes(length));
}
