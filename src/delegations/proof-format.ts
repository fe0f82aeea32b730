// Wire format of delegation checkpoints and proofs: canonical leaf, key-order and checkpoint-message bytes.
import { canonicalEncode } from "../crypto/canonical.js";
import { blake3Hash } from "../crypto/hash.js";
import type { DelegationId } from "./ids.js";

/** Domain-separation tags (docs/wire-format.md, "Delegations"). */
export const DELEGATION_TAGS = {
  leaf: "keyward v1 delegation-leaf",
  keyOrder: "keyward v1 delegation-key",
  checkpoint: "keyward v1 delegations-checkpoint",
} as const;

/** An interval on the wire: [from, until] with until null when open. */
export type WireInterval = readonly [number, number | null];

/** A signed commitment to every key's full history at log position `seq`. JSON-safe. */
export interface DelegationCheckpoint {
  readonly version: 1;
  /** Last log sequence number covered. */
  readonly seq: number;
  /** Number of keys (Merkle leaves). */
  readonly size: number;
  /** Merkle root, unpadded base64url of 32 bytes. */
  readonly root: string;
  /** Ed25519 signature over checkpointMessage(seq, size, root), base64url of 64 bytes. */
  readonly signature: string;
  /** Signer's public key (hex), informational only: verifiers must use a key they trust. */
  readonly publicKey: string;
}

/** One key's full history plus its Merkle inclusion path in a checkpoint. JSON-safe. */
export interface DelegationProof {
  readonly version: 1;
  readonly delegator: DelegationId;
  readonly provider: DelegationId;
  readonly scope: DelegationId;
  readonly intervals: readonly WireInterval[];
  /** Leaf position in the checkpoint's tree (keys ordered by their key-order hash). */
  readonly index: number;
  /** Sibling hashes from the leaf up, base64url of 32 bytes each. */
  readonly path: readonly string[];
}

/** Canonical bytes of a leaf: the key and every interval, oldest first. */
export function leafBytes(
  delegator: DelegationId,
  provider: DelegationId,
  scope: DelegationId,
  intervals: readonly WireInterval[],
): Uint8Array {
  return canonicalEncode(DELEGATION_TAGS.leaf, {
    delegator,
    provider,
    scope,
    intervals: intervals.map(([f, u]) => [f, u]),
  });
}

/** BLAKE3 of the key's canonical bytes: the order of leaves in the tree (independent of insertion order). */
export function keyOrderHash(
  delegator: DelegationId,
  provider: DelegationId,
  scope: DelegationId,
): Uint8Array {
  return blake3Hash(canonicalEncode(DELEGATION_TAGS.keyOrder, [delegator, provider, scope]));
}

/** The bytes a checkpoint signature covers. */
export function checkpointMessage(seq: number, size: number, root: Uint8Array): Uint8Array {
  return canonicalEncode(DELEGATION_TAGS.checkpoint, { version: 1, seq, size, root });
}
