// freenet-stdlib's delegate key: codeHash = BLAKE3(code); key = BLAKE3(codeHash ‖ params).
import { assertBytes } from "../crypto/assert.js";
import { concatBytes } from "../crypto/bytes.js";
import { blake3Hash } from "../crypto/hash.js";

/** A delegate's code hash and key (both 32 bytes). */
export interface DelegateKeyParts {
  readonly codeHash: Uint8Array;
  readonly key: Uint8Array;
}

/**
 * Computes the code-addressed delegate key (seed 000): `codeHash = BLAKE3(code)`,
 * `key = BLAKE3(codeHash ‖ params)`; `params` defaults to empty.
 * @throws {TypeError} when code or params are not bytes.
 * @example delegateKey(wasmBytes).key
 */
export function delegateKey(code: Uint8Array, params: Uint8Array = new Uint8Array(0)): DelegateKeyParts {
  assertBytes(code, undefined, "code");
  assertBytes(params, undefined, "params");
  const codeHash = blake3Hash(code);
  return { codeHash, key: blake3Hash(concatBytes(codeHash, params)) };
}
