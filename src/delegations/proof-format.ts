// Wire format of delegation checkpoints and proofs: canonical leaf, key-order and checkpoint-message bytes.
import { canonicalEncode } from "../crypto/canonical.js";
import type { DelegationId } from "./ids.js";

/** Domain-separation tags (docs/wire-format.md, "Delegations"). */
export const DELEGATION_TAGS = {
  leaf: "keyward v1 delegation-leaf",
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
  /** Leaf position in the checkpoint's tree (keys in compareIds order). */
  readonly index: number;
  /** Sibling hashes from the leaf up, base64url of 32 bytes each. */
  readonly path: readonly string[];
}

/**
 * Proof that a key has **no** history in a checkpoint: the two leaves that would surround it in key order,
 * at adjacent positions (`left` null when the key sorts before every leaf, `right` null when after every
 * leaf, both null for an empty tree). JSON-safe.
 */
export interface DelegationAbsenceProof {
  readonly version: 1;
  readonly absent: true;
  readonly delegator: DelegationId;
  readonly provider: DelegationId;
  readonly scope: DelegationId;
  readonly left: DelegationProof | null;
  readonly right: DelegationProof | null;
}

const TEXT = new TextEncoder();
const LEAF_TAG_BYTES = TEXT.encode("keyward v1 delegation-leaf");

/** Growable little-endian writer for the hand-rolled leaf encoder. */
class LeafWriter {
  buf = new Uint8Array(256);
  view = new DataView(this.buf.buffer);
  n = 0;
  room(k: number): void {
    if (this.n + k <= this.buf.length) return;
    const b = new Uint8Array(Math.max(this.buf.length * 2, this.n + k));
    b.set(this.buf.subarray(0, this.n));
    this.buf = b;
    this.view = new DataView(b.buffer);
  }
  byte(v: number): void {
    this.room(1);
    this.buf[this.n++] = v;
  }
  u32(v: number): void {
    this.room(4);
    this.view.setUint32(this.n, v, true);
    this.n += 4;
  }
  uint(v: number): void {
    this.room(9);
    this.buf[this.n] = 0x03;
    this.view.setBigUint64(this.n + 1, BigInt(v), true);
    this.n += 9;
  }
  raw(b: Uint8Array): void {
    this.room(b.length);
    this.buf.set(b, this.n);
    this.n += b.length;
  }
  key(name: string): void {
    const b = TEXT.encode(name);
    this.u32(b.length);
    this.raw(b);
  }
  id(v: DelegationId): void {
    if (typeof v === "number") {
      this.uint(v);
      return;
    }
    const b = TEXT.encode(v);
    this.byte(0x05);
    this.u32(b.length);
    this.raw(b);
  }
}

/**
 * Canonical bytes of a leaf: exactly `canonicalEncode("keyward v1 delegation-leaf", {delegator, provider, scope,
 * intervals: [[from, until|null], …]})` (crypto/canonical.ts), written directly because checkpoints encode
 * millions of leaves. Ids must be normalised (ids.ts) and positions safe integers.
 */
export function leafBytes(
  delegator: DelegationId,
  provider: DelegationId,
  scope: DelegationId,
  intervals: readonly WireInterval[],
): Uint8Array {
  const w = new LeafWriter();
  w.u32(LEAF_TAG_BYTES.length);
  w.raw(LEAF_TAG_BYTES);
  // A map of 4 entries, keys in UTF-8 byte order: delegator < intervals < provider < scope.
  w.byte(0x08);
  w.u32(4);
  w.key("delegator");
  w.id(delegator);
  w.key("intervals");
  w.byte(0x07);
  w.u32(intervals.length);
  for (const [from, until] of intervals) {
    w.byte(0x07);
    w.u32(2);
    w.uint(from);
    if (until === null) w.byte(0x00);
    else w.uint(until);
  }
  w.key("provider");
  w.id(provider);
  w.key("scope");
  w.id(scope);
  return w.buf.slice(0, w.n);
}

/**
 * Total order of keys in the tree: by delegator, then provider, then scope; integer ids before string ids,
 * integers numerically, strings by UTF-8 bytes. Deterministic on every replica.
 */
export function compareIds(a: DelegationId, b: DelegationId): number {
  if (typeof a === "number") return typeof b === "number" ? a - b : -1;
  if (typeof b === "number") return 1;
  return a === b ? 0 : Buffer.compare(Buffer.from(a), Buffer.from(b));
}

/** Total order of (delegator, provider, scope) keys, the order of the tree's leaves (see compareIds). */
export function compareKeys(
  a: readonly [DelegationId, DelegationId, DelegationId],
  b: readonly [DelegationId, DelegationId, DelegationId],
): number {
  return compareIds(a[0], b[0]) || compareIds(a[1], b[1]) || compareIds(a[2], b[2]);
}

/** The bytes a checkpoint signature covers. */
export function checkpointMessage(seq: number, size: number, root: Uint8Array): Uint8Array {
  return canonicalEncode(DELEGATION_TAGS.checkpoint, { version: 1, seq, size, root });
}
