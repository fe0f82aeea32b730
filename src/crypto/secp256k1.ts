// secp256k1 ECDSA via @noble/curves: digest signing (r‖s‖v), EIP-191 personal messages, EVM addresses.
import { secp256k1 } from "@noble/curves/secp256k1.js";
import { assertBytes } from "./assert.js";
import { bytesToHex, concatBytes, utf8 } from "./bytes.js";
import { keccak256, sha256 } from "./hash.js";

/** True when `privateKey` is a valid secp256k1 scalar (1 ≤ k < n). */
export function secp256k1IsValidPrivateKey(privateKey: Uint8Array): boolean {
  assertBytes(privateKey, 32, "privateKey");
  return secp256k1.utils.isValidSecretKey(privateKey);
}

/** Public key of a 32-byte private key: 33-byte compressed (default) or 65-byte uncompressed. */
export function secp256k1PublicKey(privateKey: Uint8Array, compressed = true): Uint8Array {
  assertBytes(privateKey, 32, "privateKey");
  return secp256k1.getPublicKey(privateKey, compressed);
}

/**
 * Signs a 32-byte digest (no further hashing), RFC 6979 deterministic, low-S.
 * @returns 65 bytes r‖s‖v with v = recovery id (0 or 1).
 */
export function secp256k1SignDigest(privateKey: Uint8Array, digest: Uint8Array): Uint8Array {
  assertBytes(privateKey, 32, "privateKey");
  assertBytes(digest, 32, "digest");
  const rec = secp256k1.sign(digest, privateKey, { prehash: false, format: "recovered" });
  // noble's recovered format is v‖r‖s; keyward (and Ethereum) use r‖s‖v.
  return concatBytes(rec.subarray(1, 65), rec.subarray(0, 1));
}

/** Verifies a 64-byte compact (r‖s) or 65-byte (r‖s‖v) signature over a 32-byte digest; low-S required. */
export function secp256k1VerifyDigest(
  publicKey: Uint8Array,
  digest: Uint8Array,
  signature: Uint8Array,
): boolean {
  assertBytes(publicKey, undefined, "publicKey");
  assertBytes(digest, 32, "digest");
  assertBytes(signature, undefined, "signature");
  if (signature.length !== 64 && signature.length !== 65) return false;
  try {
    return secp256k1.verify(signature.subarray(0, 64), digest, publicKey, {
      prehash: false,
      format: "compact",
    });
  } catch {
    return false;
  }
}

/**
 * Verifies a DER-encoded ECDSA signature over SHA-256(message) (Wycheproof's encoding). High-S is accepted
 * here, as in plain ECDSA; strict DER is required.
 */
export function secp256k1VerifyDerSha256(
  publicKey: Uint8Array,
  message: Uint8Array,
  der: Uint8Array,
): boolean {
  assertBytes(publicKey, undefined, "publicKey");
  assertBytes(message, undefined, "message");
  assertBytes(der, undefined, "signature");
  try {
    return secp256k1.verify(der, sha256(message), publicKey, { prehash: false, format: "der", lowS: false });
  } catch {
    return false;
  }
}

/** Recovers the 65-byte uncompressed public key from an r‖s‖v signature over a digest; undefined if invalid. */
export function secp256k1Recover(digest: Uint8Array, signature: Uint8Array): Uint8Array | undefined {
  assertBytes(digest, 32, "digest");
  assertBytes(signature, 65, "signature");
  const v = signature[64] ?? 0;
  const recId = v >= 27 ? v - 27 : v;
  if (recId !== 0 && recId !== 1) return undefined;
  try {
    const rec = concatBytes(Uint8Array.of(recId), signature.subarray(0, 64));
    const pub = secp256k1.recoverPublicKey(rec, digest, { prehash: false });
    return secp256k1.Point.fromBytes(pub).toBytes(false);
  } catch {
    return undefined;
  }
}

/** EVM address (0x + 40 lower-case hex) of a compressed or uncompressed public key. */
export function evmAddress(publicKey: Uint8Array): string {
  assertBytes(publicKey, undefined, "publicKey");
  const uncompressed = secp256k1.Point.fromBytes(publicKey).toBytes(false);
  return `0x${bytesToHex(keccak256(uncompressed.subarray(1)).subarray(12))}`;
}

/** EIP-191 personal-message digest: keccak256("\x19Ethereum Signed Message:\n" + len + message). */
export function eip191Digest(message: Uint8Array): Uint8Array {
  assertBytes(message, undefined, "message");
  return keccak256(concatBytes(utf8(`\x19Ethereum Signed Message:\n${message.length}`), message));
}

/** EIP-191 personal_sign: 65-byte r‖s‖v with v ∈ {27, 28}. */
export function eip191Sign(privateKey: Uint8Array, message: Uint8Array): Uint8Array {
  const sig = secp256k1SignDigest(privateKey, eip191Digest(message));
  sig[64] = (sig[64] ?? 0) + 27;
  return sig;
}
