// Ed25519: seeds sign through libsodium (no key import), KeyObjects and verification through node:crypto.
import { createPrivateKey, createPublicKey, KeyObject, sign, verify } from "node:crypto";
import { assertBytes } from "./assert.js";
import { concatBytes, wipe } from "./bytes.js";
import { sodium } from "./sodium.js";

/**
 * Scratch space for libsodium's 64-byte expanded key (seed ‖ public key): guarded, locked memory outside the
 * JS heap, zeroed after every call. Reusing one buffer is safe because every call here is synchronous.
 * Why libsodium: OpenSSL 3 decodes a PKCS#8 seed in ~0.3 ms, 10× a signature; libsodium derives the key
 * pair from the seed in a fraction of a signature (BENCHMARKS.md, crypto and custody).
 */
const EXPANDED = sodium ? sodium.sodium_malloc(64) : new Uint8Array(64);

// RFC 8410 DER prefixes: PKCS#8 private key and SPKI public key for Ed25519 (OID 1.3.101.112).
const PKCS8_PREFIX = Uint8Array.from([
  0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x04, 0x22, 0x04, 0x20,
]);
const SPKI_PREFIX = Uint8Array.from([0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x21, 0x00]);

/** Imports a 32-byte Ed25519 seed as a private KeyObject (the DER copy is wiped). */
export function ed25519PrivateKeyObject(seed: Uint8Array): KeyObject {
  assertBytes(seed, 32, "seed");
  const der = concatBytes(PKCS8_PREFIX, seed);
  try {
    return createPrivateKey({
      key: Buffer.from(der.buffer, der.byteOffset, der.byteLength),
      format: "der",
      type: "pkcs8",
    });
  } finally {
    wipe(der);
  }
}

/** Imports a 32-byte Ed25519 public key as a KeyObject. */
export function ed25519PublicKeyObject(publicKey: Uint8Array): KeyObject {
  assertBytes(publicKey, 32, "publicKey");
  return createPublicKey({
    key: Buffer.from(concatBytes(SPKI_PREFIX, publicKey)),
    format: "der",
    type: "spki",
  });
}

/** The 32-byte verifying key of a 32-byte seed (the expanded key is zeroed before returning). */
export function ed25519PublicKey(seed: Uint8Array): Uint8Array {
  assertBytes(seed, 32, "seed");
  if (!sodium) {
    const spki = createPublicKey(ed25519PrivateKeyObject(seed)).export({ format: "der", type: "spki" });
    return new Uint8Array(spki.subarray(SPKI_PREFIX.length));
  }
  const publicKey = new Uint8Array(32);
  try {
    sodium.crypto_sign_seed_keypair(publicKey, EXPANDED, seed);
  } finally {
    sodium.sodium_memzero(EXPANDED);
  }
  return publicKey;
}

/**
 * Signs `message` (RFC 8032 Ed25519) with a 32-byte seed or a private KeyObject; returns the 64-byte
 * signature. A seed is expanded by libsodium into locked scratch memory that is zeroed before returning;
 * the public key is always recomputed from the seed (never taken from storage), since signing with a wrong
 * public key would leak the private scalar.
 * @throws TypeError / RangeError for a seed that is not 32 bytes or a message that is not bytes.
 * @example const signature = ed25519Sign(seed, utf8("hello"));
 */
export function ed25519Sign(seedOrKey: Uint8Array | KeyObject, message: Uint8Array): Uint8Array {
  assertBytes(message, undefined, "message");
  if (seedOrKey instanceof KeyObject) return new Uint8Array(sign(null, message, seedOrKey));
  assertBytes(seedOrKey, 32, "seed");
  // Portable path (no libsodium binary): OpenSSL imports the seed for this one signature.
  if (!sodium) return new Uint8Array(sign(null, message, ed25519PrivateKeyObject(seedOrKey)));
  const signature = new Uint8Array(64);
  const publicKey = new Uint8Array(32);
  try {
    sodium.crypto_sign_seed_keypair(publicKey, EXPANDED, seedOrKey);
    sodium.crypto_sign_detached(signature, message, EXPANDED);
  } finally {
    sodium.sodium_memzero(EXPANDED);
  }
  return signature;
}

/** Test hook: whether the libsodium scratch key buffer is all zeros (it must be between calls). */
export function ed25519ScratchIsZero(): boolean {
  return EXPANDED.every((b) => b === 0);
}

/**
 * Verifies an Ed25519 signature (RFC 8032 as implemented by OpenSSL: canonical S required).
 * @returns false for any bad signature; throws only for malformed argument types/lengths.
 */
export function ed25519Verify(
  publicKey: Uint8Array | KeyObject,
  message: Uint8Array,
  signature: Uint8Array,
): boolean {
  assertBytes(message, undefined, "message");
  assertBytes(signature, undefined, "signature");
  if (signature.length !== 64) return false;
  let key: KeyObject;
  try {
    key = publicKey instanceof Uint8Array ? ed25519PublicKeyObject(publicKey) : publicKey;
  } catch (err) {
    if (publicKey instanceof Uint8Array && publicKey.length === 32) return false; // not a curve point
    throw err;
  }
  try {
    return verify(null, message, key, signature);
  } catch {
    return false;
  }
}
