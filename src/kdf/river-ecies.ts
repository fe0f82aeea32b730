// River's ECIES suite `river-v1`: a room secret encrypted for one member's Ed25519 key, byte-identical to River.
import { ed25519 } from "@noble/curves/ed25519.js";
import { aesGcmOpen, aesGcmSeal } from "../crypto/aead.js";
import { assertBytes } from "../crypto/assert.js";
import { concatBytes, utf8, wipe } from "../crypto/bytes.js";
import { blake3Hash, sha256 } from "../crypto/hash.js";
import { Secret } from "../crypto/secret.js";
import { ed25519SeedToX25519, x25519PublicKey, x25519SharedSecret } from "../crypto/x25519.js";
import { InputTypeError } from "../errors/input-errors.js";
import { KeywardError } from "../errors/keyward-error.js";

/** Suite identifier stored next to every member record. */
export const RIVER_V1_SUITE = "river-v1";

/** River's hard-coded domain tag for the deterministic ephemeral key; changing it is a wire-format break. */
export const RIVER_ECIES_EPHEMERAL_DOMAIN = "river-ecies-ephemeral-v1 2026-05";

/** A room secret encrypted for one member: ciphertext‖tag (48 bytes), 12-byte nonce, X25519 ephemeral key. */
export interface RiverEncryptedSecret {
  readonly ciphertext: Uint8Array;
  readonly nonce: Uint8Array;
  readonly ephemeralPublicKey: Uint8Array;
}

const P = (1n << 255n) - 19n;
const A = 486662n;
const ZERO_NONCE = new Uint8Array(12);
const DOMAIN_BYTES = utf8(RIVER_ECIES_EPHEMERAL_DOMAIN);

function powMod(base: bigint, exp: bigint): bigint {
  let result = 1n;
  let b = base % P;
  let e = exp;
  while (e > 0n) {
    if (e & 1n) result = (result * b) % P;
    b = (b * b) % P;
    e >>= 1n;
  }
  return result;
}

function leToBigint(bytes: Uint8Array): bigint {
  let n = 0n;
  for (let i = bytes.length - 1; i >= 0; i--) n = (n << 8n) | BigInt(bytes[i] ?? 0);
  return n;
}

/**
 * Recipient X25519 key: Montgomery u of the member's Ed25519 verifying key. Refuses encodings that are not a
 * canonical curve point and the eight small-order points (they would make the shared secret all zeros).
 */
function memberX25519Public(memberVerifyingKey: Uint8Array): Uint8Array {
  let point: ReturnType<typeof ed25519.Point.fromBytes>;
  try {
    point = ed25519.Point.fromBytes(memberVerifyingKey, false);
  } catch {
    throw new KeywardError("invalid_input", "memberVerifyingKey is not a valid Ed25519 point");
  }
  if (point.isSmallOrder())
    throw new KeywardError("invalid_input", "memberVerifyingKey is a small-order Ed25519 point");
  return ed25519.utils.toMontgomery(memberVerifyingKey);
}

/**
 * Checks an X25519 public key from the wire: canonical (top bit clear, u < p) and on Curve25519 rather
 * than its twist (u³ + A·u² + u must be a square). An honest encryptor never produces anything else.
 */
function assertEphemeralOnCurve(u: Uint8Array): void {
  const n = leToBigint(u);
  if (n >= P) throw new KeywardError("invalid_input", "ephemeralPublicKey is not a canonical X25519 point");
  const rhs = (((n * n) % P) * n + A * ((n * n) % P) + n) % P;
  if (rhs !== 0n && powMod(rhs, (P - 1n) / 2n) !== 1n)
    throw new KeywardError("invalid_input", "ephemeralPublicKey is not a point on Curve25519");
}

function secretBytes(value: Uint8Array | Secret, name: string): Uint8Array {
  const bytes = value instanceof Secret ? value.expose() : value;
  assertBytes(bytes, 32, name);
  return bytes;
}

function assertEncrypted(encrypted: unknown): asserts encrypted is RiverEncryptedSecret {
  if (typeof encrypted !== "object" || encrypted === null)
    throw new InputTypeError("encrypted must be an object { ciphertext, nonce, ephemeralPublicKey }");
  const e = encrypted as Record<string, unknown>;
  assertBytes(e.ciphertext, 48, "encrypted.ciphertext");
  assertBytes(e.nonce, 12, "encrypted.nonce");
  assertBytes(e.ephemeralPublicKey, 32, "encrypted.ephemeralPublicKey");
}

/**
 * Encrypts a 32-byte room secret for a member (River's `encrypt_secret_for_member`). Deterministic: the
 * ephemeral X25519 secret is BLAKE3(domain ‖ secret ‖ memberVerifyingKey), so every replica produces the
 * same bytes; the all-zero nonce is safe because each (secret, member) pair yields a unique AES key.
 * @param secret - the 32-byte room secret (bytes or a Secret; not consumed).
 * @param memberVerifyingKey - the member's 32-byte Ed25519 verifying key.
 * @throws {TypeError|RangeError} for wrong types or lengths.
 * @throws KeywardError `invalid_input` when the key is not a valid, non-small-order Ed25519 point.
 * @example
 * const enc = encryptSecretForMember(deriveRoomSecret(seed, ownerVk, 1), memberVk);
 * decryptSecretForMember(enc, memberSeed); // the same 32 bytes
 */
export function encryptSecretForMember(
  secret: Uint8Array | Secret,
  memberVerifyingKey: Uint8Array,
): RiverEncryptedSecret {
  const plain = secretBytes(secret, "secret");
  assertBytes(memberVerifyingKey, 32, "memberVerifyingKey");
  const recipient = memberX25519Public(memberVerifyingKey);
  const ephemeral = blake3Hash(concatBytes(DOMAIN_BYTES, plain, memberVerifyingKey));
  let shared: Uint8Array | undefined;
  let key: Uint8Array | undefined;
  try {
    shared = x25519SharedSecret(ephemeral, recipient);
    // Unreachable for a non-small-order Edwards point (clamping clears the torsion part); kept as a guard.
    if (!shared) throw new KeywardError("invalid_input", "memberVerifyingKey is a small-order point");
    key = sha256(shared);
    return {
      ciphertext: aesGcmSeal(key, ZERO_NONCE, plain),
      nonce: new Uint8Array(12),
      ephemeralPublicKey: x25519PublicKey(ephemeral),
    };
  } finally {
    wipe(ephemeral, shared, key);
  }
}

/**
 * Decrypts a member's copy of a room secret with the member's Ed25519 seed (River's
 * `decrypt_secret_from_member_blob`; any nonce is accepted, as River does for older random-nonce blobs).
 * The returned 32 bytes belong to the caller, who should `wipe()` them after use.
 * @throws {TypeError|RangeError} for wrong types or lengths (`encrypted.ciphertext` must be 48 bytes).
 * @throws KeywardError `invalid_input` when `ephemeralPublicKey` is non-canonical, off the curve or of small
 *   order; `decrypt_failed` when authentication fails (tampered bytes, or not encrypted for this member).
 * @example const secret = decryptSecretForMember(record, memberSeed);
 */
export function decryptSecretForMember(
  encrypted: RiverEncryptedSecret,
  memberSeed: Uint8Array | Secret,
): Uint8Array {
  assertEncrypted(encrypted);
  const seed = secretBytes(memberSeed, "memberSeed");
  assertEphemeralOnCurve(encrypted.ephemeralPublicKey);
  const priv = ed25519SeedToX25519(seed);
  let shared: Uint8Array | undefined;
  let key: Uint8Array | undefined;
  try {
    shared = x25519SharedSecret(priv, encrypted.ephemeralPublicKey);
    if (!shared) throw new KeywardError("invalid_input", "ephemeralPublicKey is a small-order X25519 point");
    key = sha256(shared);
    const plain = aesGcmOpen(key, encrypted.nonce, encrypted.ciphertext);
    if (!plain)
      throw new KeywardError("decrypt_failed", "member secret did not authenticate for this member");
    return plain;
  } finally {
    wipe(priv, shared, key);
  }
}
