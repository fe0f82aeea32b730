// Checkpoints over the delegation index: a Merkle root over every key's full history, signed through a port.
import { assertBytes } from "../crypto/assert.js";
import { bytesToBase64url, bytesToHex } from "../crypto/bytes.js";
import { KeywardError } from "../errors/keyward-error.js";
import type { DelegationIndex, KeyHistory } from "./delegation-index.js";
import type { DelegationId } from "./ids.js";
import { MerkleTree, merkleLeafHash, NODE_BYTES } from "./merkle.js";
import type {
  DelegationAbsenceProof,
  DelegationCheckpoint,
  DelegationProof,
  WireInterval,
} from "./proof-format.js";
import { checkpointMessage, compareKeys, leafBytes } from "./proof-format.js";

/**
 * The signer port: Ed25519 over the checkpoint message. The service wires it to a sealed service key (or a
 * custody identity); the private key never leaves the implementation.
 */
export interface CheckpointSigner {
  readonly publicKey: Uint8Array;
  sign(message: Uint8Array): Uint8Array | Promise<Uint8Array>;
}

function wire(index: DelegationIndex, row: number): { h: KeyHistory; iv: WireInterval[] } {
  const h = index.keyHistory(row);
  return { h, iv: h.intervals.map((i) => [i.from, i.until] as const) };
}

/**
 * The Merkle tree of one index state: leaves = every key's full history, ordered by key (compareIds) so the
 * root depends only on the histories, not on insertion order. Building costs O(keys) hashing; a proof ~20 hashes.
 * @example
 * const tree = DelegationTree.build(store.index);
 * const checkpoint = await tree.sign(signer);
 * const proof = tree.prove(1234, "A", 1);
 */
export class DelegationTree {
  private constructor(
    private readonly index: DelegationIndex,
    private readonly tree: MerkleTree,
    /** Tree position of each index row. */
    private readonly position: Uint32Array,
    /** Index row at each tree position (keys in compareKeys order). */
    private readonly order: Uint32Array,
    readonly size: number,
    readonly seq: number,
    readonly root: Uint8Array,
  ) {}

  /** Builds the tree of `index` as it is now (its `lastSeq` is the checkpoint's `seq`). */
  static build(index: DelegationIndex): DelegationTree {
    const n = index.keyCount;
    const ids = Array.from({ length: n }, (_, k) => index.keyIds(k));
    const rows = Array.from({ length: n }, (_, k) => k);
    rows.sort((a, b) => compareKeys(ids[a]!, ids[b]!));
    const leaves = new Uint8Array(n * NODE_BYTES);
    const position = new Uint32Array(n);
    for (const [pos, k] of rows.entries()) {
      const { h, iv } = wire(index, k);
      leaves.set(merkleLeafHash(leafBytes(h.delegator, h.provider, h.scope, iv)), pos * NODE_BYTES);
      position[k] = pos;
    }
    const tree = MerkleTree.build(leaves);
    return new DelegationTree(index, tree, position, Uint32Array.from(rows), n, index.lastSeq, tree.root);
  }

  /**
   * Signs this tree's root through `signer`.
   * @throws {TypeError|RangeError} when the signer returns something other than 64 bytes.
   */
  async sign(signer: CheckpointSigner): Promise<DelegationCheckpoint> {
    assertBytes(signer.publicKey, 32, "signer.publicKey");
    const signature = await signer.sign(checkpointMessage(this.seq, this.size, this.root));
    assertBytes(signature, 64, "signature");
    return {
      version: 1,
      seq: this.seq,
      size: this.size,
      root: bytesToBase64url(this.root),
      signature: bytesToBase64url(signature),
      publicKey: bytesToHex(signer.publicKey),
    };
  }

  /**
   * The proof for one key (its full history and Merkle path). The index must not have changed since `build`.
   * @throws KeywardError `not_found` when the key has no history in this tree (see `proveAbsence`);
   *   `conflict` when the index moved on.
   */
  prove(delegator: DelegationId, provider: DelegationId, scope: DelegationId): DelegationProof {
    this.#assertCurrent();
    const row = this.index.keyRow(delegator, provider, scope);
    if (row < 0)
      throw new KeywardError(
        "not_found",
        `no history for delegator ${delegator}, provider ${provider}, scope ${scope}`,
      );
    return this.#leafProof(row);
  }

  /**
   * The proof that a key has no history in this tree: its would-be neighbours in key order, with their
   * inclusion paths at adjacent positions. Ids must be normalised (ids.ts).
   * @throws KeywardError `conflict` when the key has a history (use `prove`) or the index moved on.
   */
  proveAbsence(delegator: DelegationId, provider: DelegationId, scope: DelegationId): DelegationAbsenceProof {
    this.#assertCurrent();
    if (this.index.keyRow(delegator, provider, scope) >= 0)
      throw new KeywardError("conflict", "this key has a history: prove it instead of its absence");
    const target = [delegator, provider, scope] as const;
    // First position whose key sorts after the target (binary search over the sorted leaves).
    let lo = 0;
    let hi = this.size;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (compareKeys(this.index.keyIds(this.order[mid]!), target) < 0) lo = mid + 1;
      else hi = mid;
    }
    return {
      version: 1,
      absent: true,
      delegator,
      provider,
      scope,
      left: lo > 0 ? this.#leafProof(this.order[lo - 1]!) : null,
      right: lo < this.size ? this.#leafProof(this.order[lo]!) : null,
    };
  }

  #assertCurrent(): void {
    if (this.index.lastSeq !== this.seq)
      throw new KeywardError("conflict", "the index changed since this tree was built: rebuild it");
  }

  #leafProof(row: number): DelegationProof {
    const { h, iv } = wire(this.index, row);
    const pos = this.position[row]!;
    return {
      version: 1,
      delegator: h.delegator,
      provider: h.provider,
      scope: h.scope,
      intervals: iv,
      index: pos,
      path: this.tree.path(pos).map(bytesToBase64url),
    };
  }
}
