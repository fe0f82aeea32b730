// Ed25519 via node:crypto (OpenSSL): ~10× faster than pure JS; seeds are imported as PKCS#8 KeyObjects.
import { createPrivateKey, createPublicKey, type KeyObject, sign, verify } from "node:crypto";
import { assertBytes } from "./assert.js";
import { concatBytes, wipe } from "./bytes.js";

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

/** The 32-byte verifying key of a 32-byte seed. */
export function ed25519PublicKey(seed: Uint8Array): Uint8Array {
  const key = ed25519PrivateKeyObject(seed);
  const spki = createPublicKey(key).export({ format: "der", type: "spki" });
  return new Uint8Array(spki.subarray(SPKI_PREFIX.length));
}

/** Signs `message` with a 32-byte seed or a cached private KeyObject; returns the 64-byte signature. */
export function ed25519Sign(seedOrKey: Uint8Array | KeyObject, message: Uint8Array): Uint8Array {
  assertBytes(message, undefined, "message");
  const key = seedOrKey instanceof Uint8Array ? ed25519PrivateKeyObject(seedOrKey) : seedOrKey;
  return new Uint8Array(sign(null, message, key));
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
