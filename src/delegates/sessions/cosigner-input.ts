// Boundary checks for cosigner sessions: create input, and the other signers' nonces / partial signatures.
import { tapTweak } from "@scure/btc-signer/utils.js";
import { assertBytes, assertInteger } from "../../crypto/assert.js";
import { bytesToHex, hexToBytes } from "../../crypto/bytes.js";
import { type MusigTweak, musigKeyAgg, musigSortKeys } from "../../crypto/musig2.js";
import { InputRangeError, InputTypeError } from "../../errors/input-errors.js";
import type { TweakRecord } from "./cosigner-records.js";

/** Bounds: messages per session (a 1,024-leaf tree has 2,047 nodes), message size, signers, tweaks. */
export const COSIGNER_LIMITS = {
  messages: 4096,
  messageBytes: 1024,
  signers: 64,
  tweaks: 16,
  rounds: 1000,
} as const;

/** The public part of a new cosigner session as callers give it. */
export interface CosignerPlan {
  /** The other signers' 33-byte individual public keys (BIP-327 plain keys, not x-only). */
  readonly peers: readonly Uint8Array[];
  readonly messages: readonly Uint8Array[];
  readonly tweaks?: readonly MusigTweak[];
  /** Appends the BIP-341 taproot tweak of the aggregate key: true = key-path only, bytes = script root. */
  readonly taproot?: boolean | Uint8Array;
  readonly expiresAt: number;
  /** How many round-1 restarts the session allows (default 16). */
  readonly maxRounds?: number;
  /** Run round 1 by itself at this time (epoch ms). */
  readonly fireAt?: number;
}

/** Validated key material of a plan: sorted participants, our index, tweaks, aggregate keys. */
export interface KeyPlan {
  readonly participants: string[];
  readonly signerIndex: number;
  readonly tweaks: TweakRecord[];
  readonly aggregateKey: string;
  readonly internalKey: string;
}

/** Validates messages. @throws {TypeError|RangeError} naming `messages[i]`. */
export function assertMessages(messages: readonly Uint8Array[]): void {
  if (!Array.isArray(messages)) throw new InputTypeError("messages must be an array");
  if (messages.length === 0) throw new InputRangeError("messages must not be empty");
  if (messages.length > COSIGNER_LIMITS.messages)
    throw new InputRangeError(`messages must hold at most ${COSIGNER_LIMITS.messages} messages`);
  for (const [i, m] of messages.entries()) {
    assertBytes(m, undefined, `messages[${i}]`);
    if (m.length > COSIGNER_LIMITS.messageBytes)
      throw new InputRangeError(`messages[${i}] must be at most ${COSIGNER_LIMITS.messageBytes} bytes`);
  }
}

/**
 * KeySort(peers ∪ ours), the tweaks (plus the taproot tweak of the untweaked aggregate), and the aggregate key.
 * @throws {RangeError} for duplicate keys or too many signers; MusigContributionError for an invalid peer key.
 */
export function keyPlan(plan: CosignerPlan, ours: Uint8Array): KeyPlan {
  if (!Array.isArray(plan.peers)) throw new InputTypeError("peers must be an array");
  if (plan.peers.length === 0) throw new InputRangeError("peers must name at least one other signer");
  if (plan.peers.length >= COSIGNER_LIMITS.signers)
    throw new InputRangeError(`at most ${COSIGNER_LIMITS.signers} signers`);
  for (const [i, p] of plan.peers.entries()) assertBytes(p, 33, `peers[${i}]`);
  const hex = [bytesToHex(ours), ...plan.peers.map(bytesToHex)];
  if (new Set(hex).size !== hex.length)
    throw new InputRangeError("peers must be distinct and not this signer's key");
  const sorted = musigSortKeys([ours, ...plan.peers]);
  const participants = sorted.map(bytesToHex);
  const tweaks: MusigTweak[] = [...(plan.tweaks ?? [])];
  if (tweaks.length > COSIGNER_LIMITS.tweaks)
    throw new InputRangeError(`at most ${COSIGNER_LIMITS.tweaks} tweaks`);
  const { internalKey } = musigKeyAgg(sorted);
  if (plan.taproot !== undefined && plan.taproot !== false) {
    if (plan.taproot !== true) assertBytes(plan.taproot, 32, "taproot");
    const root = plan.taproot === true ? new Uint8Array(0) : plan.taproot;
    // BIP-341: t = hash_TapTweak(internal key ‖ merkle root), applied as an x-only tweak (BIP-327 §Tweaking);
    // the taproot internal key is the aggregate after any earlier (e.g. BIP-32) tweaks.
    const base = tweaks.length ? musigKeyAgg(sorted, tweaks).aggregateKey : internalKey;
    const t = tapTweak(base, root);
    tweaks.push({ tweak: hexToBytes(t.toString(16).padStart(64, "0")), xOnly: true });
  }
  // Without tweaks the aggregate is the internal key (one key aggregation instead of two).
  const aggregateKey = tweaks.length ? musigKeyAgg(sorted, tweaks).aggregateKey : internalKey;
  return {
    participants,
    signerIndex: participants.indexOf(bytesToHex(ours)),
    tweaks: tweaks.map((t) => ({ tweak: bytesToHex(t.tweak), xOnly: t.xOnly })),
    aggregateKey: bytesToHex(aggregateKey),
    internalKey: bytesToHex(internalKey),
  };
}

/** maxRounds with its default. */
export function maxRoundsOf(plan: CosignerPlan): number {
  const n = plan.maxRounds ?? 16;
  assertInteger(n, 1, COSIGNER_LIMITS.rounds, "maxRounds");
  return n;
}

/**
 * One contribution per message and signer, completed with ours: each row holds either every signer's value
 * (ours must then be the recorded one) or every other signer's (ours is inserted at `signerIndex`).
 * @throws {TypeError|RangeError} naming `${name}[m][j]`, or the row whose own value differs.
 */
export function completeRows(
  rows: readonly (readonly Uint8Array[])[],
  ours: readonly Uint8Array[],
  signers: number,
  signerIndex: number,
  length: number,
  name: string,
): Uint8Array[][] {
  if (!Array.isArray(rows)) throw new InputTypeError(`${name} must be an array`);
  if (rows.length !== ours.length)
    throw new InputRangeError(`${name} must have one entry per message (${ours.length})`);
  return rows.map((row, m) => {
    if (!Array.isArray(row)) throw new InputTypeError(`${name}[${m}] must be an array`);
    for (const [j, v] of row.entries()) assertBytes(v, length, `${name}[${m}][${j}]`);
    if (row.length === signers - 1)
      return [...row.slice(0, signerIndex), ours[m]!, ...row.slice(signerIndex)];
    if (row.length !== signers)
      throw new InputRangeError(`${name}[${m}] must hold ${signers - 1} (the others') or ${signers} values`);
    if (bytesToHex(row[signerIndex]!) !== bytesToHex(ours[m]!))
      throw new InputRangeError(`${name}[${m}][${signerIndex}] is not this signer's value for the round`);
    return [...row];
  });
}
