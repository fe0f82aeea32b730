// Uses of an identity key inside custody: one audited signature in a transaction, and a key lent to a
// service-internal caller for one operation. The key is derived for that use and wiped right after it.
import { bytesToHex, hexToBytes, wipe } from "../crypto/bytes.js";
import { ed25519Sign } from "../crypto/ed25519.js";
import { blake3Hash } from "../crypto/hash.js";
import { schnorrSign, taprootTweakPrivateKey, taprootTweakPublicKey } from "../crypto/schnorr.js";
import { eip191Sign, secp256k1SignDigest } from "../crypto/secp256k1.js";
import { KeywardError } from "../errors/keyward-error.js";
import type { StorageTx } from "../store/ports.js";
import {
  type CustodyAuditEvent,
  type CustodyContext,
  pathKeyBytes,
  runTx,
  subjectOf,
  withPathKey,
} from "./context.js";
import type { Scheme } from "./identity.js";
import { type IdentityRef, preparePath } from "./path-ops.js";
import type { PathRecord } from "./records.js";

/** One queued signature (see Custody.sign). */
export interface SignRequest {
  readonly ref: IdentityRef;
  /** Recorded on the audit event: requests from several callers share one batch. */
  readonly actor: string | undefined;
  readonly message: Uint8Array;
  readonly scheme: Scheme;
  readonly eip191: boolean;
  /** bip340 only: sign with the BIP-341 tweaked key (empty = key-path only, or a 32-byte script merkle root). */
  readonly taprootMerkleRoot?: Uint8Array | undefined;
}

/** Public key of an identity path for one scheme (`evmAddress` for secp256k1). */
export interface IdentityKey {
  readonly address: string;
  readonly publicKey: string;
  readonly generation: number;
  readonly scheme: Scheme;
  readonly evmAddress?: string;
  /** bip340: the BIP-341 key-path output key (x-only hex) of this internal key, for a P2TR output. */
  readonly taprootOutputKey?: string;
}

/** A signature (hex) with the key that made it. secp256k1: 65 bytes r‖s‖v (v 0/1, or 27/28 with EIP-191). */
export interface SignResult {
  readonly signature: string;
  readonly publicKey: string;
  readonly generation: number;
  readonly scheme: Scheme;
  readonly address: string;
}

/**
 * The current public key (hex) of a path for `scheme`.
 * @throws KeywardError `conflict` when the path holds an imported key of another scheme.
 */
export function currentPublicKey(rec: PathRecord, scheme: Scheme): string {
  const pub = rec.publicKeys[scheme];
  if (pub === undefined)
    throw new KeywardError(
      "conflict",
      `this path holds an imported ${rec.legacy?.scheme ?? ""} key: remap it before using ${scheme}`,
    );
  return pub;
}

/**
 * One signature inside `tx` and its audit event (the caller appends it in the same transaction). `prepare`
 * resolves the path (default: `preparePath`, creating it on first use and refusing a suspended or revoked one).
 * @throws KeywardError `suspended`, `revoked`, `not_found`.
 */
export async function signInTx(
  ctx: CustodyContext,
  tx: StorageTx,
  req: SignRequest,
  prepare: (ref: IdentityRef) => Promise<PathRecord> = (ref) =>
    preparePath(ctx, tx, ref, { create: true, requireActive: true }),
): Promise<{ result: SignResult; event: CustodyAuditEvent }> {
  const { ref, actor, message, scheme, eip191, taprootMerkleRoot: root } = req;
  const rec = await prepare(ref);
  const internalKey = currentPublicKey(rec, scheme);
  const publicKey =
    root === undefined
      ? internalKey
      : bytesToHex(taprootTweakPublicKey(hexToBytes(internalKey), root).outputKey);
  // The key is derived for this one signature and wiped right after it (DESIGN Invariant 3).
  const sig = await withPathKey(ctx, tx, rec, scheme, (key) =>
    scheme === "ed25519"
      ? ed25519Sign(key, message)
      : scheme === "bip340"
        ? bip340Sign(key, message, root)
        : eip191
          ? eip191Sign(key, message)
          : secp256k1SignDigest(key, message),
  );
  const event: CustodyAuditEvent = {
    kind: "custody.sign",
    subject: subjectOf(rec),
    actor,
    data: { scheme, generation: rec.generation, eip191, publicKey, taproot: root !== undefined },
    sensitive: { messageHash: bytesToHex(blake3Hash(message)) },
  };
  const result = {
    signature: bytesToHex(sig),
    publicKey,
    generation: rec.generation,
    scheme,
    address: rec.address,
  };
  return { result, event };
}

/** BIP-340 signature by `key`, or by its BIP-341 tweak when a merkle root (possibly empty) is given. */
function bip340Sign(key: Uint8Array, message: Uint8Array, root: Uint8Array | undefined): Uint8Array {
  if (root === undefined) return schnorrSign(key, message);
  const tweaked = taprootTweakPrivateKey(key, root);
  try {
    return schnorrSign(tweaked, message);
  } finally {
    wipe(tweaked);
  }
}

/**
 * Lends the path's current key to `fn` (audited as `custody.key-use` with `purpose`, committed before `fn`
 * runs) and wipes it when `fn` settles, also on error.
 * @throws KeywardError `suspended`, `revoked`.
 */
export async function lendKey<T>(
  ctx: CustodyContext,
  ref: IdentityRef,
  scheme: Scheme,
  purpose: string,
  fn: (key: Uint8Array, publicKey: Uint8Array) => Promise<T>,
): Promise<T> {
  const held: Uint8Array[] = [];
  try {
    const publicKey = await runTx(ctx, async (tx) => {
      const rec = await preparePath(ctx, tx, ref, { create: true, requireActive: true });
      const pub = currentPublicKey(rec, scheme);
      held.push(await pathKeyBytes(ctx, tx, rec, scheme));
      await ctx.audit.append(tx, {
        kind: "custody.key-use",
        subject: subjectOf(rec),
        actor: ctx.actor,
        data: { scheme, generation: rec.generation, purpose: String(purpose) },
      });
      return hexToBytes(pub);
    });
    return await fn(held[held.length - 1]!, publicKey);
  } finally {
    wipe(...held);
  }
}
