// RFC 9162 (Certificate Transparency v2) Merkle tree with SHA-256: leaf = H(0x00‖d), node = H(0x01‖l‖r).
import { hash } from "node:crypto";
import { assertBytes, assertInteger } from "../crypto/assert.js";

/** Hash size of every node. */
export const NODE_BYTES = 32;
// Levels below this are not kept after a build: a proof recomputes them inside the target's aligned block.
const KEPT_FROM_LEVEL = 4;
const BLOCK = 1 << KEPT_FROM_LEVEL;

function sha256(data: Uint8Array): Uint8Array {
  return new Uint8Array(hash("sha256", data, "buffer"));
}

/** The root of the empty tree (RFC 9162): SHA-256 of the empty string. */
export const MERKLE_EMPTY_ROOT: Uint8Array = sha256(new Uint8Array(0));

/** Leaf hash: SHA-256(0x00 ‖ leaf bytes). */
export function merkleLeafHash(leaf: Uint8Array): Uint8Array {
  assertBytes(leaf, undefined, "leaf");
  const b = new Uint8Array(leaf.length + 1);
  b.set(leaf, 1);
  return sha256(b);
}

/** Interior node: SHA-256(0x01 ‖ left ‖ right). */
export function merkleNodeHash(left: Uint8Array, right: Uint8Array): Uint8Array {
  const b = new Uint8Array(1 + 2 * NODE_BYTES);
  b[0] = 1;
  b.set(left, 1);
  b.set(right, 1 + NODE_BYTES);
  return sha256(b);
}

/** The next level up: pairs hashed left to right, an odd last node moved up unchanged (= RFC 9162's MTH). */
function levelUp(level: Uint8Array, n: number): Uint8Array {
  const half = n >>> 1;
  const out = new Uint8Array((half + (n & 1)) * NODE_BYTES);
  const scratch = new Uint8Array(1 + 2 * NODE_BYTES);
  scratch[0] = 1;
  for (let j = 0; j < half; j++) {
    scratch.set(level.subarray(2 * j * NODE_BYTES, (2 * j + 2) * NODE_BYTES), 1);
    out.set(hash("sha256", scratch, "buffer"), j * NODE_BYTES);
  }
  if (n & 1) out.set(level.subarray((n - 1) * NODE_BYTES, n * NODE_BYTES), half * NODE_BYTES);
  return out;
}

/**
 * A Merkle tree over `n` leaf hashes. Keeps the leaves and the levels from 4 up (≈ n × 36 bytes in all), so a
 * proof costs ~15 hashes inside the leaf's 16-aligned block plus copies.
 * @example const tree = MerkleTree.build(leafHashes); tree.path(3);
 */
export class MerkleTree {
  private constructor(
    private readonly leaves: Uint8Array,
    private readonly upper: Uint8Array[],
    readonly size: number,
    readonly root: Uint8Array,
  ) {}

  /**
   * Builds the tree of `leaves` (n × 32 bytes, n ≥ 0). The empty tree's root is SHA-256 of the empty string.
   * @throws {RangeError} when the byte length is not a multiple of 32.
   */
  static build(leaves: Uint8Array): MerkleTree {
    assertBytes(leaves, undefined, "leaves");
    const n = leaves.length / NODE_BYTES;
    assertInteger(n, 0, 2 ** 32, "leaf count");
    if (n === 0) return new MerkleTree(leaves, [], 0, MERKLE_EMPTY_ROOT.slice());
    const upper: Uint8Array[] = [];
    let level: Uint8Array = leaves;
    let count = n;
    for (let l = 0; count > 1; l++) {
      level = levelUp(level, count);
      count = (count >>> 1) + (count & 1);
      if (l + 1 >= KEPT_FROM_LEVEL) upper.push(level);
    }
    return new MerkleTree(leaves, upper, n, level.slice(0, NODE_BYTES));
  }

  /** Sibling hashes from leaf `index` up to the root (RFC 9162 inclusion path). */
  path(index: number): Uint8Array[] {
    assertInteger(index, 0, this.size - 1, "index");
    const path: Uint8Array[] = [];
    const first = index - (index % BLOCK);
    let count = Math.min(BLOCK, this.size - first);
    let level: Uint8Array = this.leaves.slice(first * NODE_BYTES, (first + count) * NODE_BYTES);
    let m = index - first;
    for (let l = 0; l < KEPT_FROM_LEVEL && count > 1; l++) {
      // Inside an aligned block a sibling exists globally exactly when it exists locally.
      if ((m ^ 1) < count) path.push(level.slice((m ^ 1) * NODE_BYTES, ((m ^ 1) + 1) * NODE_BYTES));
      level = levelUp(level, count);
      count = (count >>> 1) + (count & 1);
      m >>= 1;
    }
    let g = index >>> KEPT_FROM_LEVEL;
    let size = Math.ceil(this.size / BLOCK);
    for (let u = 0; u < this.upper.length && size > 1; u++) {
      const lvl = this.upper[u]!;
      if ((g ^ 1) < size) path.push(lvl.slice((g ^ 1) * NODE_BYTES, ((g ^ 1) + 1) * NODE_BYTES));
      g >>= 1;
      size = (size >>> 1) + (size & 1);
    }
    return path;
  }
}

/**
 * Root implied by a leaf hash, its index, the tree size and an inclusion path (RFC 9162 §2.1.3.2), or undefined
 * when the path cannot belong to a tree of that size (a verifier then answers false).
 */
export function merkleRootFromPath(
  leafHash: Uint8Array,
  index: number,
  size: number,
  path: readonly Uint8Array[],
): Uint8Array | undefined {
  if (!(index >= 0 && index < size)) return undefined;
  let fn = index;
  let sn = size - 1;
  let r = leafHash;
  for (const p of path) {
    if (sn === 0) return undefined;
    if (fn % 2 === 1 || fn === sn) {
      r = merkleNodeHash(p, r);
      while (fn % 2 === 0 && fn !== 0) {
        fn = Math.floor(fn / 2);
        sn = Math.floor(sn / 2);
      }
    } else r = merkleNodeHash(r, p);
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  return sn === 0 ? r : undefined;
}
