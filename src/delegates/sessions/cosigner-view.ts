// The public view of a cosigner session (what the API and CLI show): hex fields, RFC 3339 times, no secret.
import type { CosignerRecord, RoundRecord } from "./cosigner-records.js";

/** One round as shown. */
export interface RoundInfo {
  readonly round: number;
  readonly state: RoundRecord["state"];
  readonly pubNonces: readonly string[];
  readonly createdAt: string;
  readonly abortedReason?: string;
  readonly partialSigs?: readonly string[];
  readonly signatures?: readonly string[];
}

/** A cosigner session as shown. */
export interface CosignerInfo {
  readonly id: string;
  readonly delegate: string;
  /** `imported` (with the secret's name) or `custody` (with the identity path). */
  readonly share: CosignerRecord["share"];
  readonly publicKey: string;
  readonly participants: readonly string[];
  readonly signerIndex: number;
  readonly tweaks: CosignerRecord["tweaks"];
  readonly aggregateKey: string;
  readonly internalKey: string;
  readonly messages: readonly string[];
  readonly expiresAt: string;
  readonly maxRounds: number;
  readonly round: number;
  readonly fireAt?: string;
  readonly createdAt: string;
  readonly rounds: readonly RoundInfo[];
}

const iso = (t: number) => new Date(t).toISOString();

/** The view of a record and its rounds (oldest first). */
export function cosignerView(s: CosignerRecord, rounds: readonly RoundRecord[]): CosignerInfo {
  return {
    id: s.id,
    delegate: s.delegate,
    share: s.share,
    publicKey: s.publicKey,
    participants: s.participants,
    signerIndex: s.signerIndex,
    tweaks: s.tweaks,
    aggregateKey: s.aggregateKey,
    internalKey: s.internalKey,
    messages: s.messages,
    expiresAt: iso(s.expiresAt),
    maxRounds: s.maxRounds,
    round: s.round,
    ...(s.fireAt !== undefined ? { fireAt: iso(s.fireAt) } : {}),
    createdAt: iso(s.createdAt),
    rounds: rounds.map((r) => ({
      round: r.round,
      state: r.state,
      pubNonces: r.pubNonces,
      createdAt: iso(r.createdAt),
      ...(r.aborted ? { abortedReason: r.aborted.reason } : {}),
      ...(r.partialSigs ? { partialSigs: r.partialSigs } : {}),
      ...(r.signatures ? { signatures: r.signatures } : {}),
    })),
  };
}
