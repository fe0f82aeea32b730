// Builds the signed river-v1 member records of one version: the hot loop of a rotation.
import type { KeyObject } from "node:crypto";
import { assertInteger } from "../crypto/assert.js";
import { bytesToHex, hexToBytes, wipe } from "../crypto/bytes.js";
import { ed25519PrivateKeyObject } from "../crypto/ed25519.js";
import { encryptSecretForKnownMembers, RIVER_V1_SUITE } from "../kdf/river-ecies.js";
import { deriveRoomSecret } from "../kdf/room-secret.js";
import { MAX_ROOM_VERSION, type MemberRecord, signMember } from "./records.js";

/**
 * Derives the secret of `version` from the owner seed and returns one signed member record per member
 * (same order). Deterministic: the same inputs give byte-identical records on every replica. Member keys
 * must already be validated (they were when they entered the room). The secret is wiped before returning.
 * @throws {TypeError|RangeError} for wrong lengths; KeywardError `invalid_input` for a small-order member key.
 */
export function buildMemberRecords(
  ownerSeed: Uint8Array,
  room: Uint8Array,
  version: number,
  members: readonly string[],
): MemberRecord[] {
  assertInteger(version, 0, MAX_ROOM_VERSION, "version");
  const keys = members.map((m, i) => hexToBytes(m, `members[${i}]`, 32));
  const secret = deriveRoomSecret(ownerSeed, room, version);
  const owner = ed25519PrivateKeyObject(ownerSeed);
  try {
    const sealed = encryptSecretForKnownMembers(secret, keys);
    return sealed.map((e, i) => sealedMemberRecord(room, owner, version, members[i]!, e));
  } finally {
    wipe(secret);
  }
}

/** One river-v1 encryption of a version's secret to `member` (hex key), as the owner-signed member record. */
export function sealedMemberRecord(
  room: Uint8Array,
  owner: KeyObject,
  version: number,
  member: string,
  e: ReturnType<typeof encryptSecretForKnownMembers>[number],
): MemberRecord {
  return signMember(room, owner, {
    version,
    member,
    suite: RIVER_V1_SUITE,
    ciphertext: bytesToHex(e.ciphertext),
    nonce: bytesToHex(e.nonce),
    ephemeralPublicKey: bytesToHex(e.ephemeralPublicKey),
  });
}
