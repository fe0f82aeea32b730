// A member's side: recover a version's secret from the member's own record, and nothing they were not given.
import { assertInteger } from "../crypto/assert.js";
import { bytesToHex, hexToBytes } from "../crypto/bytes.js";
import { ed25519PublicKey } from "../crypto/ed25519.js";
import { Secret } from "../crypto/secret.js";
import { KeywardError } from "../errors/keyward-error.js";
import { decryptSecretForMember } from "../kdf/river-ecies.js";
import { MAX_ROOM_VERSION } from "./records.js";
import type { RoomState } from "./state.js";

/**
 * Decrypts the secret of `version` for the member holding `memberSeed`, from that member's river-v1 record.
 * A member removed at or before `version` gets no secret, even if a stale record exists.
 * @throws KeywardError `not_found` when the room has no such version, `forbidden` when the member has no effective record for that version,
 *   `decrypt_failed` when the record does not authenticate; TypeError/RangeError for bad arguments.
 * @example const secret = decryptRoomSecret(state, 3, memberSeed); // Secret: wipe() when done
 */
export function decryptRoomSecret(
  state: RoomState,
  version: number,
  memberSeed: Uint8Array | Secret,
): Secret {
  assertInteger(version, 0, MAX_ROOM_VERSION, "version");
  const seed = memberSeed instanceof Secret ? memberSeed.expose() : memberSeed;
  const member = bytesToHex(ed25519PublicKey(seed));
  if (!state.versions.has(version)) {
    const current = state.currentVersion;
    throw new KeywardError(
      "not_found",
      `this room has no version ${version} (${current < 0 ? "no versions yet" : `versions 0 … ${current}`})`,
    );
  }
  const record = state.memberRecord(version, member);
  if (!record) throw new KeywardError("forbidden", `this key is not a member of version ${version}`);
  const secret = decryptSecretForMember(
    {
      ciphertext: hexToBytes(record.ciphertext),
      nonce: hexToBytes(record.nonce),
      ephemeralPublicKey: hexToBytes(record.ephemeralPublicKey),
    },
    seed,
  );
  return Secret.adopt(secret);
}
