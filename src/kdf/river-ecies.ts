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

const Fp = ed25519.Point.Fp;
const P = Fp.ORDER;
const A = 486662n;
const ZERO_NONCE = new Uint8Array(12);
const DOMAIN_BYTES = utf8(RIVER_ECIES_EPHEMERAL_DOMAIN);

function leToBigint(bytes: Uint8Array): bigint {
  let n = 0n;
  for (let i = bytes.length - 1; i >= 0; i--) n = (n << 8n) | BigInt(bytes[i] ?? 0);
  return n;
}

// Member keys are public and stable across rotations: their Montgomery form is cached (bounded, oldest
// dropped first) so a rotation pays the field inversion per member only once.
const RECIPIENT_CACHE_MAX = 65_536;
const recipients = new Map<string, Uint8Array>();

function recipientU(memberVerifyingKey: Uint8Array): Uint8Array {
  const id = Buffer.from(memberVerifyingKey.buffer, memberVerifyingKey.byteOffset, 32).toString("latin1");
  let u = recipients.get(id);
  if (!u) {
    u = montgomeryU(memberVerifyingKey);
    if (recipients.size >= RECIPIENT_CACHE_MAX) recipients.delete(recipients.keys().next().value!);
    recipients.set(id, u);
  }
  return u;
}

/** Montgomery u = (1 + y) / (1 − y) of an (already validated) Edwards encoding: one field inversion. */
function montgomeryU(verifyingKey: Uint8Array): Uint8Array {
  const y = leToBigint(verifyingKey) & ((1n << 255n) - 1n);
  const denominator = Fp.create(1n - y);
  // y = 1 is the identity (small order): its u is the point at infinity.
  if (denominator === 0n)
    throw new KeywardError("invalid_input", "memberVerifyingKey is a small-order point");
  return Fp.toBytes(Fp.div(Fp.create(1n + y), denominator));
}

/**
 * Asserts a member's Ed25519 verifying key can receive river-v1 secrets: a canonical curve point outside
 * the eight-element torsion subgroup (those would make the shared secret all zeros).
 * @throws {TypeError|RangeError} for a wrong type or length.
 * @throws KeywardError `invalid_input` naming `name`.
 */
export function assertRiverMemberKey(verifyingKey: Uint8Array, name = "memberVerifyingKey"): void {
  assertBytes(verifyingKey, 32, name);
  let point: ReturnType<typeof ed25519.Point.fromBytes>;
  try {
    point = ed25519.Point.fromBytes(verifyingKey, false);
  } catch {
    throw new KeywardError("invalid_input", `${name} is not a valid Ed25519 point`);
  }
  if (point.isSmallOrder()) throw new KeywardError("invalid_input", `${name} is a small-order Ed25519 point`);
}

/**
 * Checks an X25519 public key from the wire: canonical (top bit clear, u < p) and on Curve25519 rather
 * than its twist (u³ + A·u² + u must be a square). An honest encryptor never produces anything else.
 */
function assertEphemeralOnCurve(u: Uint8Array): void {
  const n = leToBigint(u);
  if (n >= P) throw new KeywardError("invalid_input", "ephemeralPublicKey is not a canonical X25519 point");
  const rhs = Fp.add(Fp.add(Fp.pow(n, 3n), Fp.mul(A, Fp.sqr(n))), n);
  if (rhs !== 0n && Fp.pow(rhs, (P - 1n) / 2n) !== 1n)
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

function seal(plain: Uint8Array, memberVerifyingKey: Uint8Array): RiverEncryptedSecret {
  const input = concatBytes(DOMAIN_BYTES, plain, memberVerifyingKey);
  const ephemeral = blake3Hash(input);
  wipe(input);
  let shared: Uint8Array | undefined;
  let key: Uint8Array | undefined;
  try {
    // libsodium works on these bytes in place, so the ephemeral secret is wiped below (no KeyObject or JWK copy).
    shared = x25519SharedSecret(ephemeral, recipientU(memberVerifyingKey));
    if (!shared) throw new KeywardError("invalid_input", "memberVerifyingKey is a small-order point");
    key = sha256(shared);
    return {
      ciphertext: aesGcmSeal(key, ZERO_NONCE, plain),
      nonce: new Uint8Array(12),
      ephemeralPublicKey: x25519PublicKey(ephemeral),
    };
  } finally {
    wipe(ephemeral);
    if (shared) wipe(shared);
    if (key) wipe(key);
  }
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
  assertRiverMemberKey(memberVerifyingKey);
  return seal(plain, memberVerifyingKey);
}

/**
 * Batch form for rotations: the same bytes as `encryptSecretForMember`, without re-decompressing each key
 * (≈0.1 ms saved per member). Every key must already have passed `assertRiverMemberKey` when it entered
 * the system; a small-order key is still refused by the all-zero check.
 * @throws KeywardError `invalid_input` for a small-order key; TypeError/RangeError for wrong lengths.
 */
export function encryptSecretForKnownMembers(
  secret: Uint8Array | Secret,
  memberVerifyingKeys: readonly Uint8Array[],
): RiverEncryptedSecret[] {
  const plain = secretBytes(secret, "secret");
  for (const [i, vk] of memberVerifyingKeys.entries()) assertBytes(vk, 32, `memberVerifyingKeys[${i}]`);
  return memberVerifyingKeys.map((vk) => seal(plain, vk));
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
  const scalar = ed25519SeedToX25519(seed);
  const shared = x25519SharedSecret(scalar, encrypted.ephemeralPublicKey);
  wipe(scalar);
  if (!shared) throw new KeywardError("invalid_input", "ephemeralPublicKey is a small-order X25519 point");
  const key = sha256(shared);
  try {
    const plain = aesGcmOpen(key, encrypted.nonce, encrypted.ciphertext);
    if (!plain)
      throw new KeywardError("decrypt_failed", "member secret did not authenticate for this member");
    return plain;
  } finally {
    wipe(shared, key);
  }
}
