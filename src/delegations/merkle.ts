// Binary Merkle tree in the RFC 9162 (Certificate Transparency v2) shape, hashed with BLAKE3 and domain-separated.
import { blake3 } from "@noble/hashes/blake3.js";
import { assertBytes, assertInteger } from "../crypto/assert.js";

/** Hash size of every node. */
export const NODE_BYTES = 32;

/** Leaf hash: BLAKE3(0x00 ‖ leaf bytes). */
export function merkleLeafHash(leaf: Uint8Array): Uint8Array {
  assertBytes(leaf, undefined, "leaf");
  return blake3.create().update(Uint8Array.of(0)).update(leaf).digest();
}

/** Interior node: BLAKE3(0x01 ‖ left ‖ right). */
export function merkleNodeHash(left: Uint8Array, right: Uint8Array): Uint8Array {
  return blake3.create().update(Uint8Array.of(1)).update(left).update(right).digest();
}

/**
 * Root of `n` leaf hashes packed in `leaves` (n × 32 bytes) and, for `target` ≥ 0, its inclusion path (siblings
 * from the leaf up). Pairs are hashed left to right and an odd last node moves up unchanged, which is exactly
 * RFC 9162's MTH (split at the largest power of two below n). Works on a copy: O(n) time, n × 32 bytes.
 * @throws {RangeError} for an empty tree or a target outside it.
 */
export function merkleRootAndPath(leaves: Uint8Array, target = -1): { root: Uint8Array; path: Uint8Array[] } {
  assertBytes(leaves, undefined, "leaves");
  const n0 = leaves.length / NODE_BYTES;
  assertInteger(n0, 1, 2 ** 32, "leaf count");
  assertInteger(target, -1, n0 - 1, "target");
  const buf = leaves.slice();
  const scratch = new Uint8Array(1 + 2 * NODE_BYTES);
  scratch[0] = 1;
  const path: Uint8Array[] = [];
  let n = n0;
  let m = target;
  while (n > 1) {
    if (m >= 0) {
      const sib = m ^ 1;
      if (sib < n) path.push(buf.slice(sib * NODE_BYTES, (sib + 1) * NODE_BYTES));
      m >>= 1;
    }
    const half = n >>> 1;
    for (let j = 0; j < half; j++) {
      // In place: node j is written at or before the pair it reads (2j, 2j+1).
      scratch.set(buf.subarray(2 * j * NODE_BYTES, (2 * j + 2) * NODE_BYTES), 1);
      buf.set(blake3(scratch), j * NODE_BYTES);
    }
    if (n & 1) buf.copyWithin(half * NODE_BYTES, (n - 1) * NODE_BYTES, n * NODE_BYTES);
    n = half + (n & 1);
  }
  return { root: buf.slice(0, NODE_BYTES), path };
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
      if (fn % 2 === 0)
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
