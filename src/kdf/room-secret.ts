// River's deterministic room secret (seed 002, byte-compatible with river-core's derive_room_secret).
import { assertBytes, assertInteger } from "../crypto/assert.js";
import { u32le, wipe } from "../crypto/bytes.js";
import { blake3DeriveKey, blake3KeyedConcat } from "../crypto/hash.js";

/** River's hard-coded phase-1 context string; changing it is a wire-format break. */
export const ROOM_SECRET_CONTEXT = "river-rotate v1 2026-04 room-secret-root";

/**
 * Room secret for `version`: `root = BLAKE3.derive_key(ROOM_SECRET_CONTEXT, seed)`;
 * `secret = BLAKE3.keyed_hash(root, ownerVerifyingKey ‖ u32le(version))`.
 * @param seed - the owner's raw 32-byte Ed25519 signing-key seed (not the expanded key).
 * @param ownerVerifyingKey - the owner's 32-byte Ed25519 verifying key.
 * @param version - 0 … 2^32−1.
 * @throws {TypeError|RangeError} for wrong types, lengths or range.
 * @example deriveRoomSecret(seed, ownerVk, 0) // 32 bytes, identical on every replica
 */
export function deriveRoomSecret(
  seed: Uint8Array,
  ownerVerifyingKey: Uint8Array,
  version: number,
): Uint8Array {
  assertBytes(seed, 32, "seed");
  assertBytes(ownerVerifyingKey, 32, "ownerVerifyingKey");
  assertInteger(version, 0, 0xffffffff, "version");
  const root = blake3DeriveKey(ROOM_SECRET_CONTEXT, seed);
  try {
    return blake3KeyedConcat(root, [ownerVerifyingKey, u32le(version)]);
  } finally {
    wipe(root);
  }
}
