// The two MuSig2 rounds inside one transaction each. Round 1 seals the secret nonces; round 2 destroys them in the
// same transaction that stores (and so releases) the partial signatures: a secret nonce signs at most once, ever.
import { bytesToHex, concatBytes, hexToBytes, utf8, wipe } from "../../crypto/bytes.js";
import {
  MusigContributionError,
  musigNonceAgg,
  musigNonceGen,
  musigPartialSign,
} from "../../crypto/musig2.js";
import { Secret } from "../../crypto/secret.js";
import { KeywardError } from "../../errors/keyward-error.js";
import type { StorageTx } from "../../store/ports.js";
import type { DelegatesContext } from "../ports.js";
import { delegateNamespace } from "../records.js";
import {
  COSIGNER_TABLES,
  type CosignerRecord,
  nonceSecretName,
  type RoundRecord,
  roundKey,
} from "./cosigner-records.js";

const SECNONCE = 97;

/** The round-2 input: per message, the aggregate nonce, or every signer's public nonce. */
export type NonceInput =
  | { readonly aggNonces: readonly Uint8Array[] }
  | { readonly pubNonces: readonly (readonly Uint8Array[])[] };

/** The tweaks as the crypto layer takes them. */
export function tweaksOf(s: CosignerRecord): { tweak: Uint8Array; xOnly: boolean }[] {
  return s.tweaks.map((t) => ({ tweak: hexToBytes(t.tweak), xOnly: t.xOnly }));
}

/** Destroys an open round's secret nonces unused and marks it aborted (no-op for a closed round). */
export async function abortRound(
  ctx: DelegatesContext,
  tx: StorageTx,
  s: CosignerRecord,
  reason: string,
  actor?: string,
): Promise<boolean> {
  const r = await COSIGNER_TABLES.round.get(tx.state, roundKey(s.id, s.round));
  if (r?.state !== "open") return false;
  await tx.secrets.delete(delegateNamespace(s.delegate), nonceSecretName(s.id, s.round));
  await COSIGNER_TABLES.round.put(tx.state, roundKey(s.id, s.round), {
    ...r,
    state: "aborted",
    aborted: { reason, at: ctx.now() },
  });
  await ctx.audit.append(tx, {
    kind: "delegate.cosigner.round-aborted",
    subject: `cosigner:${s.id}`,
    actor,
    data: { round: s.round, reason },
  });
  return true;
}

/**
 * Round 1: a fresh nonce per message (BIP-327 NonceGen with the share, aggregate key, message and a per-round
 * extra input), the secret nonces sealed as one secret, the public nonces in the round record.
 * @throws KeywardError `expired`, `forbidden` (rounds exhausted).
 */
export async function startRound(
  ctx: DelegatesContext,
  tx: StorageTx,
  s: CosignerRecord,
  share: Uint8Array,
  trigger: string,
  actor?: string,
): Promise<RoundRecord> {
  if (ctx.now() >= s.expiresAt) throw new KeywardError("expired", `cosigner ${s.id} has expired`);
  if (s.round >= s.maxRounds)
    throw new KeywardError("forbidden", `cosigner ${s.id} used all of its ${s.maxRounds} rounds`);
  await abortRound(ctx, tx, s, "superseded", actor);
  const round = s.round + 1;
  const publicKey = hexToBytes(s.publicKey);
  const aggregateKey = hexToBytes(s.aggregateKey);
  const secrets: Uint8Array[] = [];
  const pubNonces: string[] = [];
  try {
    for (const [i, m] of s.messages.entries()) {
      const n = musigNonceGen({
        publicKey,
        secretKey: share,
        aggregateKey,
        message: hexToBytes(m),
        extraIn: utf8(`keyward cosigner ${s.id} round ${round} message ${i}`),
      });
      secrets.push(n.secretNonce);
      pubNonces.push(bytesToHex(n.publicNonce));
    }
    const sealed = Secret.adopt(concatBytes(...secrets));
    try {
      await tx.secrets.put(delegateNamespace(s.delegate), nonceSecretName(s.id, round), sealed);
    } finally {
      sealed.wipe();
    }
  } finally {
    wipe(...secrets);
  }
  const record: RoundRecord = { session: s.id, round, state: "open", pubNonces, createdAt: ctx.now() };
  await COSIGNER_TABLES.round.put(tx.state, roundKey(s.id, round), record);
  await COSIGNER_TABLES.session.put(tx.state, s.id, { ...s, round });
  await ctx.audit.append(tx, {
    kind: "delegate.cosigner.nonces",
    subject: `cosigner:${s.id}`,
    actor,
    data: { round, messages: s.messages.length, trigger },
  });
  return record;
}

/** The round's aggregate nonce per message (every signer's public nonces are aggregated here when given). */
export function aggNoncesOf(
  s: CosignerRecord,
  input: NonceInput,
  complete: (rows: readonly (readonly Uint8Array[])[]) => Uint8Array[][],
): { aggNonces: Uint8Array[]; all?: Uint8Array[][] } {
  if ("aggNonces" in input) {
    if (!Array.isArray(input.aggNonces) || input.aggNonces.length !== s.messages.length)
      throw new KeywardError(
        "invalid_input",
        `aggNonces must have one entry per message (${s.messages.length})`,
      );
    return { aggNonces: input.aggNonces.map((a) => Uint8Array.from(a)) };
  }
  const all = complete(input.pubNonces);
  return { aggNonces: all.map((row) => musigNonceAgg(row)), all };
}

/**
 * Round 2 for the current round: loads the sealed secret nonces, signs every message, destroys the nonces and
 * stores the partial signatures — one transaction, so a crash leaves either nothing released (the nonces
 * intact) or both done. A round that is not the open current one is refused with `nonce_stale`.
 */
export async function signRound(
  ctx: DelegatesContext,
  tx: StorageTx,
  s: CosignerRecord,
  round: number,
  share: Uint8Array,
  nonces: { aggNonces: Uint8Array[]; all?: Uint8Array[][] },
  actor?: string,
): Promise<RoundRecord> {
  const r = await COSIGNER_TABLES.round.get(tx.state, roundKey(s.id, round));
  if (round !== s.round || !r || r.state !== "open")
    throw new KeywardError(
      "nonce_stale",
      `cosigner ${s.id} round ${round} is not open (${r ? r.state : "unknown"}): start round 1 again`,
      { round, current: s.round },
    );
  if (ctx.now() >= s.expiresAt) throw new KeywardError("expired", `cosigner ${s.id} has expired`);
  const ns = delegateNamespace(s.delegate);
  const sealed = await tx.secrets.get(ns, nonceSecretName(s.id, round));
  if (!sealed)
    throw new KeywardError(
      "nonce_stale",
      `cosigner ${s.id} round ${round}'s nonces are gone: start round 1 again`,
    );
  const blob = Uint8Array.from(sealed.expose());
  sealed.wipe();
  const publicKeys = s.participants.map((p) => hexToBytes(p));
  const tweaks = tweaksOf(s);
  const partialSigs: string[] = [];
  try {
    if (blob.length !== SECNONCE * s.messages.length)
      throw new KeywardError("internal", "sealed nonces are damaged");
    for (const [i, m] of s.messages.entries()) {
      const session = { aggNonce: nonces.aggNonces[i]!, publicKeys, message: hexToBytes(m), tweaks };
      try {
        partialSigs.push(
          bytesToHex(musigPartialSign(session, blob.subarray(i * SECNONCE, (i + 1) * SECNONCE), share)),
        );
      } catch (err) {
        // Nothing is released on an error: the transaction rolls back and the sealed nonces stay usable.
        if (err instanceof MusigContributionError)
          throw new KeywardError("invalid_contribution", `messages[${i}]: ${err.message}`, {
            message: i,
            signer: err.signer,
            contribution: err.contribution,
          });
        throw err;
      }
    }
  } finally {
    wipe(blob);
  }
  if (!(await tx.secrets.delete(ns, nonceSecretName(s.id, round))))
    throw new KeywardError("nonce_stale", `cosigner ${s.id} round ${round}'s nonces were used concurrently`);
  const signed: RoundRecord = {
    ...r,
    state: "signed",
    aggNonces: nonces.aggNonces.map(bytesToHex),
    ...(nonces.all ? { allPubNonces: nonces.all.map((row) => row.map(bytesToHex)) } : {}),
    partialSigs,
    signedAt: ctx.now(),
  };
  await COSIGNER_TABLES.round.put(tx.state, roundKey(s.id, round), signed);
  await ctx.audit.append(tx, {
    kind: "delegate.cosigner.signed",
    subject: `cosigner:${s.id}`,
    actor,
    data: { round, messages: s.messages.length },
  });
  return signed;
}
