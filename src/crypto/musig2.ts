// MuSig2 (BIP-327) over @scure/btc-signer's audited musig2 module: key aggregation with tweaks, nonces,
// partial signatures, their verification and aggregation. Errors name the signer and the contribution.
import { secp256k1 } from "@noble/curves/secp256k1.js";
import * as musig from "@scure/btc-signer/musig2.js";
import { InputRangeError, InputTypeError } from "../errors/input-errors.js";
import { KeywardError } from "../errors/keyward-error.js";
import { assertBytes } from "./assert.js";
import { randomBytes } from "./random.js";

/** A BIP-327 tweak: 32-byte scalar, x-only (BIP-341 Taproot) or plain (BIP-32). */
export interface MusigTweak {
  readonly tweak: Uint8Array;
  readonly xOnly: boolean;
}

/** What was invalid: a signer's public key, public nonce or partial signature, or the aggregate nonce. */
export type MusigContribution = "pubkey" | "pubnonce" | "psig" | "aggnonce";

/** BIP-327 `InvalidContributionError`: `signer` is the index (null for the aggregate nonce). */
export class MusigContributionError extends KeywardError {
  readonly signer: number | null;
  readonly contribution: MusigContribution;
  constructor(signer: number | null, contribution: MusigContribution) {
    super(
      "invalid_contribution",
      signer === null
        ? `the aggregate ${contribution} is invalid`
        : `signer ${signer}'s ${contribution} is invalid`,
      { signer, contribution },
    );
    this.signer = signer;
    this.contribution = contribution;
  }
}

/** Lengths in BIP-327: individual public key, public nonce / aggregate nonce, secret nonce, partial signature. */
export const MUSIG_LENGTHS = { publicKey: 33, pubNonce: 66, secNonce: 97, partialSig: 32 } as const;

const CONTRIBUTIONS = new Set<string>(["pubkey", "pubnonce", "psig", "aggnonce"]);

/** Re-throws scure's errors as keyward's: contribution errors with signer/contribution, the rest RangeErrors. */
function translate(err: unknown, aggNonce?: Uint8Array): never {
  if (err instanceof musig.InvalidContributionErr) {
    const c = err.message.replace(/^.*\s/, "");
    throw new MusigContributionError(err.idx, (CONTRIBUTIONS.has(c) ? c : "pubkey") as MusigContribution);
  }
  if (aggNonce && !validAggNonce(aggNonce)) throw new MusigContributionError(null, "aggnonce");
  const m = err instanceof Error ? err.message : "";
  if (/scalar: out of range|tweak/i.test(m)) throw new InputRangeError("tweaks: a tweak must be less than n");
  if (/infinity/.test(m))
    throw new InputRangeError("tweaks: the result of tweaking is the point at infinity");
  if (/wrong k[12]|Reader\(k[12]\)/.test(m))
    throw new InputRangeError("secretNonce is invalid (it may have been used)");
  if (/must be included/.test(m))
    throw new InputRangeError("publicKeys must include the signer's public key");
  if (/does not match nonceGen/.test(m))
    throw new InputRangeError("secretNonce was made for another public key");
  // Our own errors pass; scure's other messages may quote input values, so they are not shown.
  if (err instanceof KeywardError || err instanceof InputRangeError || err instanceof InputTypeError)
    throw err;
  throw new InputRangeError("musig2 input is invalid");
}

/** An aggregate nonce: two 33-byte halves, each a compressed point or 33 zero bytes (infinity). */
function validAggNonce(aggNonce: Uint8Array): boolean {
  if (aggNonce.length !== 66) return false;
  for (const half of [aggNonce.subarray(0, 33), aggNonce.subarray(33)]) {
    if (half.every((b) => b === 0)) continue;
    try {
      secp256k1.Point.fromBytes(half);
    } catch {
      return false;
    }
  }
  return true;
}

function assertKeys(publicKeys: readonly Uint8Array[]): void {
  if (!Array.isArray(publicKeys)) throw new InputTypeError("publicKeys must be an array");
  if (publicKeys.length === 0) throw new InputRangeError("publicKeys must not be empty");
  for (const [i, k] of publicKeys.entries()) assertBytes(k, 33, `publicKeys[${i}]`);
}

function splitTweaks(tweaks: readonly MusigTweak[]): { t: Uint8Array[]; x: boolean[] } {
  if (!Array.isArray(tweaks)) throw new InputTypeError("tweaks must be an array");
  for (const [i, tw] of tweaks.entries()) {
    assertBytes(tw?.tweak, 32, `tweaks[${i}].tweak`);
    if (typeof tw.xOnly !== "boolean") throw new InputTypeError(`tweaks[${i}].xOnly must be a boolean`);
  }
  return { t: tweaks.map((tw) => tw.tweak), x: tweaks.map((tw) => tw.xOnly) };
}

/** The 33-byte compressed individual public key of a secret key (BIP-327 IndividualPubkey). */
export function musigPublicKey(secretKey: Uint8Array): Uint8Array {
  assertBytes(secretKey, 32, "secretKey");
  if (!secp256k1.utils.isValidSecretKey(secretKey)) throw new InputRangeError("secretKey is out of range");
  return musig.IndividualPubkey(secretKey);
}

/** BIP-327 KeySort: the keys in lexicographic order (a new array). */
export function musigSortKeys(publicKeys: readonly Uint8Array[]): Uint8Array[] {
  assertKeys(publicKeys);
  return musig.sortKeys([...publicKeys]);
}

/**
 * BIP-327 KeyAgg + ApplyTweak: the aggregate x-only key the final BIP-340 signatures verify under.
 * @throws MusigContributionError (signer, "pubkey"); {RangeError} for a tweak ≥ n or an infinite result.
 * @example const { aggregateKey } = musigKeyAgg([pkA, pkB], [{ tweak: taprootTweak, xOnly: true }]);
 */
export function musigKeyAgg(
  publicKeys: readonly Uint8Array[],
  tweaks: readonly MusigTweak[] = [],
): { aggregateKey: Uint8Array; internalKey: Uint8Array } {
  assertKeys(publicKeys);
  const { t, x } = splitTweaks(tweaks);
  try {
    const internalKey = musig.keyAggExport(musig.keyAggregate([...publicKeys]));
    const aggregateKey = musig.keyAggExport(musig.keyAggregate([...publicKeys], t, x));
    return { aggregateKey, internalKey };
  } catch (err) {
    return translate(err);
  }
}

/** Inputs of BIP-327 NonceGen; all optional ones strengthen the nonce against bad randomness. */
export interface NonceGenInput {
  readonly publicKey: Uint8Array;
  readonly secretKey?: Uint8Array;
  /** 32-byte x-only aggregate key. */
  readonly aggregateKey?: Uint8Array;
  readonly message?: Uint8Array;
  readonly extraIn?: Uint8Array;
  /** 32 bytes; fresh randomness unless given (vectors only). */
  readonly rand?: Uint8Array;
}

/**
 * BIP-327 NonceGen. The 97-byte `secretNonce` MUST sign at most once; keep one copy and wipe it.
 * @returns `{ secretNonce (97 bytes), publicNonce (66 bytes) }`.
 */
export function musigNonceGen(input: NonceGenInput): { secretNonce: Uint8Array; publicNonce: Uint8Array } {
  assertBytes(input.publicKey, 33, "publicKey");
  if (input.secretKey !== undefined) assertBytes(input.secretKey, 32, "secretKey");
  if (input.aggregateKey !== undefined) assertBytes(input.aggregateKey, 32, "aggregateKey");
  if (input.message !== undefined) assertBytes(input.message, undefined, "message");
  if (input.extraIn !== undefined) assertBytes(input.extraIn, undefined, "extraIn");
  if (input.rand !== undefined) assertBytes(input.rand, 32, "rand");
  const n = musig.nonceGen(
    input.publicKey,
    input.secretKey,
    input.aggregateKey ?? new Uint8Array(0),
    input.message,
    input.extraIn ?? new Uint8Array(0),
    input.rand ?? randomBytes(32),
  );
  return { secretNonce: n.secret, publicNonce: n.public };
}

/** BIP-327 NonceAgg. @throws MusigContributionError (signer, "pubnonce"). */
export function musigNonceAgg(pubNonces: readonly Uint8Array[]): Uint8Array {
  if (!Array.isArray(pubNonces)) throw new InputTypeError("pubNonces must be an array");
  if (pubNonces.length === 0) throw new InputRangeError("pubNonces must not be empty");
  for (const [i, p] of pubNonces.entries()) assertBytes(p, 66, `pubNonces[${i}]`);
  try {
    return musig.nonceAggregate([...pubNonces]);
  } catch (err) {
    return translate(err);
  }
}

/** The signing context shared by every signer of one message. */
export interface MusigSessionInput {
  readonly aggNonce: Uint8Array;
  readonly publicKeys: readonly Uint8Array[];
  readonly message: Uint8Array;
  readonly tweaks?: readonly MusigTweak[];
}

function session(s: MusigSessionInput): musig.Session {
  assertBytes(s.aggNonce, 66, "aggNonce");
  assertKeys(s.publicKeys);
  assertBytes(s.message, undefined, "message");
  const { t, x } = splitTweaks(s.tweaks ?? []);
  try {
    return new musig.Session(s.aggNonce, [...s.publicKeys], s.message, t, x);
  } catch (err) {
    return translate(err, s.aggNonce);
  }
}

/**
 * BIP-327 Sign. Zeroes `secretNonce`'s scalars whatever happens (a nonce signs at most once), and checks its
 * own partial signature before returning it.
 * @throws MusigContributionError (pubkey, aggnonce); {RangeError} for a used nonce or a foreign key.
 */
export function musigPartialSign(
  s: MusigSessionInput,
  secretNonce: Uint8Array,
  secretKey: Uint8Array,
): Uint8Array {
  assertBytes(secretNonce, 97, "secretNonce");
  assertBytes(secretKey, 32, "secretKey");
  let ctx: musig.Session;
  try {
    ctx = session(s);
  } catch (err) {
    secretNonce.fill(0, 0, 64);
    throw err;
  }
  try {
    return ctx.sign(secretNonce, secretKey);
  } catch (err) {
    return translate(err);
  } finally {
    secretNonce.fill(0, 0, 64);
  }
}

/**
 * BIP-327 PartialSigVerify of signer `signer` (index into `publicKeys`/`pubNonces`): false for a wrong
 * partial signature. @throws MusigContributionError for an invalid pubkey or pubnonce.
 */
export function musigPartialVerify(
  s: Omit<MusigSessionInput, "aggNonce">,
  pubNonces: readonly Uint8Array[],
  partialSig: Uint8Array,
  signer: number,
): boolean {
  assertBytes(partialSig, 32, "partialSig");
  if (!Number.isInteger(signer) || signer < 0 || signer >= s.publicKeys.length)
    throw new InputRangeError("signer must index publicKeys");
  if (pubNonces.length !== s.publicKeys.length)
    throw new InputRangeError("pubNonces must have one nonce per public key");
  const aggNonce = musigNonceAgg(pubNonces);
  const ctx = session({ ...s, aggNonce });
  try {
    return ctx.partialSigVerify(partialSig, [...pubNonces], signer);
  } catch (err) {
    return translate(err);
  }
}

/** BIP-327 PartialSigAgg: the 64-byte BIP-340 signature. @throws MusigContributionError (signer, "psig"). */
export function musigAggregate(s: MusigSessionInput, partialSigs: readonly Uint8Array[]): Uint8Array {
  if (!Array.isArray(partialSigs)) throw new InputTypeError("partialSigs must be an array");
  for (const [i, p] of partialSigs.entries()) assertBytes(p, 32, `partialSigs[${i}]`);
  if (partialSigs.length !== s.publicKeys.length)
    throw new InputRangeError("partialSigs must have one partial signature per public key");
  const ctx = session(s);
  try {
    return ctx.partialSigAgg([...partialSigs]);
  } catch (err) {
    return translate(err);
  }
}
