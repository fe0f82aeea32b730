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
 * Makes an Ed25519 signature with a seed the caller wipes as soon as this returns: `ed25519Sign` inline, or a
 * sign pool's `sign` (the seed copied into its shared slot, the signature made on a worker thread).
 */
export type Ed25519Signer = (seed: Uint8Array, message: Uint8Array) => Uint8Array | Promise<Uint8Array>;

/** A signature started inside a transaction: its audit event now, its result once the signer is done. */
export interface StartedSignature {
  readonly event: CustodyAuditEvent;
  /** Settles after the signer; the caller awaits it before the commit (a rejection fails the transaction). */
  readonly result: Promise<SignResult>;
}

/**
 * One signature inside `tx` and its audit event (the caller appends it in the same transaction and awaits
 * `result` before committing). `prepare` resolves the path (default: `preparePath`, creating it on first use and
 * refusing a suspended or revoked one); `ed25519` makes Ed25519 signatures (default inline). The event does
 * not depend on the signature, so it can be appended while a worker signs.
 * @throws KeywardError `suspended`, `revoked`, `not_found`.
 */
export async function signInTx(
  ctx: CustodyContext,
  tx: StorageTx,
  req: SignRequest,
  prepare: (ref: IdentityRef) => Promise<PathRecord> = (ref) =>
    preparePath(ctx, tx, ref, { create: true, requireActive: true }),
  ed25519: Ed25519Signer = ed25519Sign,
): Promise<StartedSignature> {
  const { ref, actor, message, scheme, eip191, taprootMerkleRoot: root } = req;
  const rec = await prepare(ref);
  const internalKey = currentPublicKey(rec, scheme);
  const publicKey =
    root === undefined
      ? internalKey
      : bytesToHex(taprootTweakPublicKey(hexToBytes(internalKey), root).outputKey);
  // The key is derived for this one signature and wiped right after it, or right after the signer copied it
  // into a sign pool's slot (DESIGN Invariant 3).
  // Boxed: awaiting withPathKey must not await a pool's pending signature (the caller does, before commit).
  const { sig } = await withPathKey(ctx, tx, rec, scheme, (key) => ({
    sig:
      scheme === "ed25519"
        ? ed25519(key, message)
        : scheme === "bip340"
          ? bip340Sign(key, message, root)
          : eip191
            ? eip191Sign(key, message)
            : secp256k1SignDigest(key, message),
  }));
  const event: CustodyAuditEvent = {
    kind: "custody.sign",
    subject: subjectOf(rec),
    actor,
    data: { scheme, generation: rec.generation, eip191, publicKey, taproot: root !== undefined },
    sensitive: { messageHash: bytesToHex(blake3Hash(message)) },
  };
  const { generation, address } = rec;
  const result = Promise.resolve(sig).then((s) => ({
    signature: bytesToHex(s),
    publicKey,
    generation,
    scheme,
    address,
  }));
  result.catch(() => undefined); // a batch refused before it awaits this must not raise an unhandled rejection
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
