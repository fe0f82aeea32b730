// BIP-340 Schnorr over secp256k1 via @noble/curves, x-only public keys, and BIP-341 Taproot tweaks via @scure/btc-signer.
import { schnorr, secp256k1 } from "@noble/curves/secp256k1.js";
import { taprootTweakPrivKey, taprootTweakPubkey } from "@scure/btc-signer/utils.js";
import { InputRangeError } from "../errors/input-errors.js";
import { assertBytes } from "./assert.js";
import { randomBytes } from "./random.js";

/** True when `privateKey` is a valid BIP-340 secret key (1 ≤ d < n). */
export function schnorrIsValidPrivateKey(privateKey: Uint8Array): boolean {
  assertBytes(privateKey, 32, "privateKey");
  return secp256k1.utils.isValidSecretKey(privateKey);
}

/**
 * The 32-byte x-only public key of a BIP-340 secret key.
 * @throws {TypeError|RangeError} for a key that is not 32 bytes or out of range.
 * @example const xonly = schnorrPublicKey(secretKey);
 */
export function schnorrPublicKey(privateKey: Uint8Array): Uint8Array {
  assertBytes(privateKey, 32, "privateKey");
  if (!secp256k1.utils.isValidSecretKey(privateKey)) throw new InputRangeError("privateKey is out of range");
  return schnorr.getPublicKey(privateKey);
}

/**
 * Signs `message` (any length, BIP-340 §Default signing) with fresh 32-byte auxiliary randomness unless
 * `auxRand` is given (the vectors pass theirs).
 * @returns the 64-byte signature R.x ‖ s.
 * @example const sig = schnorrSign(secretKey, sighash);
 */
export function schnorrSign(privateKey: Uint8Array, message: Uint8Array, auxRand?: Uint8Array): Uint8Array {
  assertBytes(privateKey, 32, "privateKey");
  assertBytes(message, undefined, "message");
  if (auxRand !== undefined) assertBytes(auxRand, 32, "auxRand");
  if (!secp256k1.utils.isValidSecretKey(privateKey)) throw new InputRangeError("privateKey is out of range");
  return schnorr.sign(message, privateKey, auxRand ?? randomBytes(32));
}

/**
 * Verifies a BIP-340 signature. False for a wrong signature, a 64-byte value that is not a signature, or a
 * 32-byte public key that is not on the curve; throws only for inputs of the wrong type.
 */
export function schnorrVerify(publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array): boolean {
  assertBytes(publicKey, undefined, "publicKey");
  assertBytes(message, undefined, "message");
  assertBytes(signature, undefined, "signature");
  if (publicKey.length !== 32 || signature.length !== 64) return false;
  try {
    return schnorr.verify(signature, message, publicKey);
  } catch {
    return false;
  }
}

/**
 * BIP-341 output key of an x-only internal key: Q = P + H_TapTweak(P ‖ merkleRoot)·G (key-path only when
 * `merkleRoot` is empty or omitted).
 * @returns the 32-byte x-only output key and its parity (0 even, 1 odd, for the control block).
 * @throws {RangeError} for a key that is not a valid x-only point or a merkle root that is not 0/32 bytes.
 */
export function taprootTweakPublicKey(
  internalKey: Uint8Array,
  merkleRoot: Uint8Array = new Uint8Array(0),
): { outputKey: Uint8Array; parity: number } {
  assertBytes(internalKey, 32, "internalKey");
  assertMerkleRoot(merkleRoot);
  try {
    const [outputKey, parity] = taprootTweakPubkey(internalKey, merkleRoot);
    return { outputKey, parity };
  } catch {
    throw new InputRangeError("internalKey is not a valid x-only public key");
  }
}

/**
 * The BIP-341 tweaked secret key whose BIP-340 signatures verify under `taprootTweakPublicKey(...)`'s output
 * key. The caller wipes the result.
 */
export function taprootTweakPrivateKey(
  privateKey: Uint8Array,
  merkleRoot: Uint8Array = new Uint8Array(0),
): Uint8Array {
  assertBytes(privateKey, 32, "privateKey");
  assertMerkleRoot(merkleRoot);
  if (!secp256k1.utils.isValidSecretKey(privateKey)) throw new InputRangeError("privateKey is out of range");
  return taprootTweakPrivKey(privateKey, merkleRoot);
}

function assertMerkleRoot(merkleRoot: Uint8Array): void {
  assertBytes(merkleRoot, undefined, "merkleRoot");
  if (merkleRoot.length !== 0 && merkleRoot.length !== 32)
    throw new InputRangeError("merkleRoot must be empty or 32 bytes");
}
