// keyward's generic two-phase subkey derivation: BLAKE3 derive_key(context, ikm), then keyed_hash over parts.
import { assertBytes, assertString } from "../crypto/assert.js";
import { u32le, wipe } from "../crypto/bytes.js";
import { blake3DeriveKey, blake3KeyedConcat } from "../crypto/hash.js";

/**
 * Derives 32 bytes: `root = BLAKE3.derive_key(context, ikm)`, then
 * `BLAKE3.keyed_hash(root, u32le(len(p1)) ‖ p1 ‖ u32le(len(p2)) ‖ p2 ‖ …)`.
 * Every part is length-prefixed, so ("ab","c") and ("a","bc") never collide. The root is wiped.
 * @param context - a hard-coded "keyward v1 <purpose>" string, unique per purpose.
 * @throws {TypeError} when context is not a string or ikm/parts are not bytes.
 * @example deriveSubkey("keyward v1 identity-key", msk, address, label, u32le(gen), utf8("ed25519"));
 */
export function deriveSubkey(context: string, ikm: Uint8Array, ...parts: Uint8Array[]): Uint8Array {
  assertString(context, "context", { nonEmpty: true });
  assertBytes(ikm, undefined, "ikm");
  for (const [i, p] of parts.entries()) assertBytes(p, undefined, `parts[${i}]`);
  const root = blake3DeriveKey(context, ikm);
  try {
    return blake3KeyedConcat(
      root,
      parts.flatMap((p) => [u32le(p.length), p]),
    );
  } finally {
    wipe(root);
  }
}
