// Custody derivations: identity addresses (partition + identity) and identity key seeds (MSK + path + generation).
import { assertBytes, assertInteger } from "../crypto/assert.js";
import { bytesToHex, hexToBytes, u32le, utf8, wipe } from "../crypto/bytes.js";
import { ed25519PublicKey } from "../crypto/ed25519.js";
import { schnorrPublicKey } from "../crypto/schnorr.js";
import { secp256k1IsValidPrivateKey, secp256k1PublicKey } from "../crypto/secp256k1.js";
import { x25519PublicKey } from "../crypto/x25519.js";
import { KeywardError } from "../errors/keyward-error.js";
import { deriveSubkey } from "../kdf/subkey.js";
import { assertScheme, type Scheme } from "./identity.js";

/** Derivation contexts (docs/custody.md). */
export const CUSTODY_CONTEXTS = {
  address: "keyward v1 identity-address",
  key: "keyward v1 identity-key",
} as const;

/** Bound on secp256k1 re-derivations; each try fails with probability < 2^-127. */
const MAX_SCALAR_TRIES = 256;

/**
 * The 32-byte address of an identity in a partition: `subkey("keyward v1 identity-address", partitionId,
 * canonicalIdentity)`. Depends on no key, so it survives every rotation (also of the MSK).
 * @example identityAddress(partitionId, "email:alice@example.com");
 */
export function identityAddress(partitionId: Uint8Array, canonical: string): Uint8Array {
  assertBytes(partitionId, 16, "partitionId");
  if (typeof canonical !== "string" || canonical.length === 0)
    throw new KeywardError("invalid_input", "identity must be canonical type:value");
  return deriveSubkey(CUSTODY_CONTEXTS.address, partitionId, utf8(canonical));
}

// Addresses are a pure function of the (immutable, random) partition id and the canonical identity, and are
// public (they name audit subjects): a bounded memo saves a BLAKE3 derivation per operation, on every instance.
const addresses = new Map<string, string>();
const MAX_ADDRESSES = 16_384;

/** `identityAddress` as hex, from a partition id in hex; memoised (bounded, oldest evicted first). */
export function identityAddressHex(partitionIdHex: string, canonical: string): string {
  const key = `${partitionIdHex}/${canonical}`;
  let address = addresses.get(key);
  if (address === undefined) {
    address = bytesToHex(identityAddress(hexToBytes(partitionIdHex, "partitionId", 16), canonical));
    if (addresses.size >= MAX_ADDRESSES) addresses.delete(addresses.keys().next().value as string);
    addresses.set(key, address);
  }
  return address;
}

/**
 * The first candidate accepted by `isValid` among `candidate(0)`, `candidate(1)`, …; rejected candidates are
 * wiped. Deterministic, so every replica picks the same key.
 * @throws KeywardError `internal` after MAX_SCALAR_TRIES rejections (never expected).
 */
export function firstValid(
  candidate: (counter: number) => Uint8Array,
  isValid: (bytes: Uint8Array) => boolean,
): Uint8Array {
  for (let i = 0; i < MAX_SCALAR_TRIES; i++) {
    const c = candidate(i);
    if (isValid(c)) return c;
    wipe(c);
  }
  throw new KeywardError("internal", "no valid key candidate");
}

/**
 * The private seed of one identity key: `subkey("keyward v1 identity-key", msk, address, label,
 * u32le(generation), scheme)`. For secp256k1 and bip340 a seed outside [1, n) is replaced by the same derivation with an
 * extra part u32le(counter), counter = 1, 2, … (deterministic). The caller must wipe the result.
 */
export function deriveIdentitySeed(
  msk: Uint8Array,
  address: Uint8Array,
  label: string,
  generation: number,
  scheme: Scheme,
): Uint8Array {
  assertBytes(msk, 32, "msk");
  assertBytes(address, 32, "address");
  assertInteger(generation, 0, 0xffffffff, "generation");
  assertScheme(scheme);
  const parts = [address, utf8(label), u32le(generation), utf8(scheme)];
  const base = (i: number) =>
    i === 0
      ? deriveSubkey(CUSTODY_CONTEXTS.key, msk, ...parts)
      : deriveSubkey(CUSTODY_CONTEXTS.key, msk, ...parts, u32le(i));
  return scheme === "secp256k1" || scheme === "bip340"
    ? firstValid(base, secp256k1IsValidPrivateKey)
    : base(0);
}

/** Public key of a seed: Ed25519 32 bytes, secp256k1 33 bytes compressed, X25519 32 bytes, BIP-340 32 bytes x-only. */
export function schemePublicKey(scheme: Scheme, seed: Uint8Array): Uint8Array {
  assertScheme(scheme);
  assertBytes(seed, 32, "seed");
  if (scheme === "ed25519") return ed25519PublicKey(seed);
  if (scheme === "secp256k1") return secp256k1PublicKey(seed, true);
  if (scheme === "bip340") return schnorrPublicKey(seed);
  return x25519PublicKey(seed);
}
