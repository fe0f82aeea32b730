// App messages under a room version's secret: XChaCha20-Poly1305, room and version bound in the AAD.

import { xchachaOpen, xchachaSeal } from "../crypto/aead.js";
import { assertBytes, assertInteger } from "../crypto/assert.js";
import { concatBytes, u32le, wipe } from "../crypto/bytes.js";
import { canonicalEncode } from "../crypto/canonical.js";
import { randomBytes } from "../crypto/random.js";
import { Secret } from "../crypto/secret.js";
import { InputRangeError } from "../errors/input-errors.js";
import { deriveSubkey } from "../kdf/subkey.js";
import { MAX_ROOM_VERSION } from "./records.js";

const FORMAT = 0x01;
const HEADER = 1 + 4 + 24; // format ‖ u32le(version) ‖ nonce

function payloadKey(secret: Uint8Array | Secret, room: Uint8Array, version: number): Uint8Array {
  const bytes = secret instanceof Secret ? secret.expose() : secret;
  assertBytes(bytes, 32, "secret");
  return deriveSubkey("keyward v1 room-payload", bytes, room, u32le(version));
}

function aad(room: Uint8Array, version: number): Uint8Array {
  return canonicalEncode("keyward v1 room-payload", { room, version });
}

/**
 * Encrypts an app message under the secret of `version`: `0x01 ‖ u32le(version) ‖ nonce(24) ‖ ct‖tag`.
 * The key is a keyward subkey of the room secret; room and version are in the associated data, so a
 * payload cannot be replayed as another version or room.
 * @throws {TypeError|RangeError} for bad arguments.
 * @example const sealed = sealRoomPayload(room, 3, secretV3, utf8("hello"));
 */
export function sealRoomPayload(
  room: Uint8Array,
  version: number,
  secret: Uint8Array | Secret,
  plaintext: Uint8Array,
): Uint8Array {
  assertBytes(room, 32, "room");
  assertInteger(version, 0, MAX_ROOM_VERSION, "version");
  assertBytes(plaintext, undefined, "plaintext");
  const key = payloadKey(secret, room, version);
  const nonce = randomBytes(24);
  try {
    return concatBytes(
      Uint8Array.of(FORMAT),
      u32le(version),
      nonce,
      xchachaSeal(key, nonce, plaintext, aad(room, version)),
    );
  } finally {
    wipe(key);
  }
}

/**
 * The version a sealed payload was encrypted under (to pick the secret).
 * @throws {RangeError} when the bytes are not a room payload.
 */
export function roomPayloadVersion(sealed: Uint8Array): number {
  assertBytes(sealed, undefined, "sealed");
  if (sealed.length < HEADER + 16 || sealed[0] !== FORMAT)
    throw new InputRangeError("sealed is not a room payload");
  return new DataView(sealed.buffer, sealed.byteOffset + 1, 4).getUint32(0, true);
}

/**
 * Decrypts a payload with the secret of the version it names. Returns undefined when authentication fails
 * (tampered bytes, another room, or the wrong version's secret).
 * @throws {RangeError} when the bytes are not a room payload.
 */
export function openRoomPayload(
  room: Uint8Array,
  secret: Uint8Array | Secret,
  sealed: Uint8Array,
): Uint8Array | undefined {
  assertBytes(room, 32, "room");
  const version = roomPayloadVersion(sealed);
  const key = payloadKey(secret, room, version);
  try {
    return xchachaOpen(key, sealed.subarray(5, HEADER), sealed.subarray(HEADER), aad(room, version));
  } finally {
    wipe(key);
  }
}
