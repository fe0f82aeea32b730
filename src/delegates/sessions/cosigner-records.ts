// Cosigner (MuSig2) session records: public data only — keys, tweaks, messages, nonces, partial signatures.
import { RecordTable } from "../../store/records.js";
import { padNumber } from "../records.js";
import { RESERVED_SECRET_PREFIX } from "../validate.js";

/**
 * Where the session's secp256k1 share comes from — a reference, never the share: a secret already in the
 * delegate's namespace (e.g. seed 001's `dkg-secret.<user>`), or a custody identity's `bip340` key.
 */
export type ShareRef =
  | { readonly kind: "imported"; readonly name: string }
  | {
      readonly kind: "custody";
      readonly partition: string;
      readonly identity: string;
      readonly label: string;
    };

/** A BIP-327 tweak as stored (hex scalar). */
export interface TweakRecord {
  readonly tweak: string;
  readonly xOnly: boolean;
}

/** A persisted cosigner session. */
export interface CosignerRecord {
  readonly id: string;
  readonly delegate: string;
  readonly share: ShareRef;
  /** This signer's 33-byte individual public key (hex), checked against the share on every use. */
  readonly publicKey: string;
  /** Every signer's individual key in KeySort order (this signer included). */
  readonly participants: readonly string[];
  readonly signerIndex: number;
  /** Plain and x-only tweaks in order (a BIP-341 taproot tweak, when asked for, comes last). */
  readonly tweaks: readonly TweakRecord[];
  /** The 32-byte x-only key the final BIP-340 signatures verify under (after the tweaks). */
  readonly aggregateKey: string;
  /** The aggregate key before tweaking (the taproot internal key). */
  readonly internalKey: string;
  /** The messages to cosign (e.g. a tree of sighashes), hex. */
  readonly messages: readonly string[];
  readonly expiresAt: number;
  readonly maxRounds: number;
  /** The latest round number (0 = none started). */
  readonly round: number;
  /** When set and no round has started: round 1 runs by itself at this time (any instance, once). */
  readonly fireAt?: number;
  readonly createdAt: number;
}

/** One round: its public nonces, then (after round 2) the partial signatures, then the aggregates. */
export interface RoundRecord {
  readonly session: string;
  readonly round: number;
  /**
   * open: the secret nonces are sealed, nothing was signed; signed: partial signatures released (nonces
   * destroyed in that transaction); aborted: nonces destroyed unused (restart, or a new round requested).
   */
  readonly state: "open" | "signed" | "aborted";
  readonly pubNonces: readonly string[];
  readonly createdAt: number;
  readonly aborted?: { readonly reason: string; readonly at: number };
  /** Round 2: the aggregate nonce per message, and every signer's public nonces when they were given. */
  readonly aggNonces?: readonly string[];
  readonly allPubNonces?: readonly (readonly string[])[];
  readonly partialSigs?: readonly string[];
  readonly signedAt?: number;
  /** Final BIP-340 signatures, per message, once aggregated. */
  readonly signatures?: readonly string[];
}

/** The cosigner tables. */
export const COSIGNER_TABLES = {
  session: new RecordTable<CosignerRecord>("delegates.cosigner"),
  /** `${delegate}/${id}` → {}: sessions of one delegate (moved on migration). */
  byDelegate: new RecordTable<{ readonly id: string }>("delegates.cosigner-by-delegate"),
  /** `${id}/${padded round}` → round. */
  round: new RecordTable<RoundRecord>("delegates.cosigner-round"),
  /** `${id}` → {}: the scheduled round 1 was claimed (insert-once, across instances). */
  fired: new RecordTable<{ readonly at: number; readonly round: number }>("delegates.cosigner-fired"),
} as const;

/** Key of a round record. */
export function roundKey(session: string, round: number): string {
  return `${session}/${padNumber(round, 8)}`;
}

/** Name of the sealed secret nonces of one round, in the delegate's namespace (reserved: never listed). */
export function nonceSecretName(session: string, round: number): string {
  return `${RESERVED_SECRET_PREFIX}cosigner.${session}.nonces.${round}`;
}
