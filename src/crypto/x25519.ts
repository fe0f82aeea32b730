// X25519 (RFC 7748) via libsodium on caller-owned bytes, plus the Ed25519 → X25519 conversions of River's ECIES.
import { ed25519, x25519 } from "@noble/curves/ed25519.js";
import { InputRangeError } from "../errors/input-errors.js";
import { assertBytes } from "./assert.js";
import { wipe } from "./bytes.js";
import { sha512 } from "./hash.js";
import { sodium } from "./sodium.js";

/**
 * The X25519 public key of a 32-byte private scalar (clamped per RFC 7748). libsodium works on the bytes
 * directly (no OpenSSL import, which costs ~0.3 ms through PKCS#8 or leaves a JWK string behind), ~10×
 * @noble/curves.
 */
export function x25519PublicKey(privateKey: Uint8Array): Uint8Array {
  assertBytes(privateKey, 32, "privateKey");
  if (!sodium) return x25519.getPublicKey(privateKey); // portable path (no libsodium binary)
  const publicKey = new Uint8Array(32);
  sodium.crypto_scalarmult_base(publicKey, privateKey);
  return publicKey;
}

/**
 * X25519 shared secret. Returns `undefined` when the result is all zeros (a small-order or otherwise
 * contributory-less peer key): callers must treat that as a refusal, never use zeros as a key.
 */
export function x25519SharedSecret(privateKey: Uint8Array, publicKey: Uint8Array): Uint8Array | undefined {
  assertBytes(privateKey, 32, "privateKey");
  assertBytes(publicKey, 32, "publicKey");
  let shared = new Uint8Array(32);
  try {
    if (sodium) sodium.crypto_scalarmult(shared, privateKey, publicKey);
    else shared = x25519.getSharedSecret(privateKey, publicKey); // portable path (no libsodium binary)
  } catch {
    return undefined; // both refuse small-order peers (libsodium also an all-zero result)
  }
  return shared.some((b) => b !== 0) ? shared : undefined;
}

/**
 * Montgomery u-coordinate of an Ed25519 verifying key (birational map). Throws RangeError when the bytes
 * are not a valid Edwards point.
 */
export function ed25519PublicToX25519(verifyingKey: Uint8Array): Uint8Array {
  assertBytes(verifyingKey, 32, "verifyingKey");
  try {
    return ed25519.utils.toMontgomery(verifyingKey);
  } catch {
    throw new InputRangeError("verifyingKey is not a valid Ed25519 point");
  }
}

/** X25519 private scalar of an Ed25519 seed: the first 32 bytes of SHA-512(seed), clamped. */
export function ed25519SeedToX25519(seed: Uint8Array): Uint8Array {
  assertBytes(seed, 32, "seed");
  const h = sha512(seed);
  const out = h.slice(0, 32);
  wipe(h);
  out[0] = (out[0] ?? 0) & 248;
  out[31] = ((out[31] ?? 0) & 127) | 64;
  return out;
}
