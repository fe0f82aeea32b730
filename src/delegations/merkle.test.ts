// Merkle tree: Python-computed RFC 9162 known answers, the recursive MTH definition, and every inclusion path.
import { createHash } from "node:crypto";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { MerkleTree, merkleLeafHash, merkleNodeHash, merkleRootFromPath } from "./merkle.js";

const sha = (b: Uint8Array) => new Uint8Array(createHash("sha256").update(b).digest());
const hex = (b: Uint8Array) => Buffer.from(b).toString("hex");

// RFC 9162 §2.1.1 written as its recursive definition (not the iterative code under test).
function mth(leaves: Uint8Array[]): Uint8Array {
  if (leaves.length === 1) return leaves[0]!;
  let k = 1;
  while (k * 2 < leaves.length) k *= 2;
  return sha(Uint8Array.from([1, ...mth(leaves.slice(0, k)), ...mth(leaves.slice(k))]));
}

const leafHashes = (n: number) => Array.from({ length: n }, (_, i) => merkleLeafHash(Uint8Array.of(i)));
const pack = (hs: Uint8Array[]) => Uint8Array.from(hs.flatMap((h) => [...h]));

describe("merkle (RFC 9162, SHA-256)", () => {
  it("matches known answers computed with Python hashlib", () => {
    // python3: H=lambda b: hashlib.sha256(b).digest(); mth = RFC 9162 §2.1.1 recursion;
    // leaves = [H(b'\x00'+bytes([i])) for i in range(n)]; print(mth(leaves).hex())
    expect(hex(leafHashes(1)[0]!)).toBe("96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7");
    expect(hex(MerkleTree.build(pack(leafHashes(5))).root)).toBe(
      "b855b42d6c30f5b087e05266783fbd6e394f7b926013ccaa67700a8b0c5a596f",
    );
    expect(hex(MerkleTree.build(pack(leafHashes(37))).root)).toBe(
      "fb790bdcf341f138f66f71ecb94f8aff707d0fbeddba9ade6ebcdc900f23425b",
    );
    // hashlib.sha256(b'').hexdigest()
    expect(hex(MerkleTree.build(new Uint8Array(0)).root)).toBe(
      "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
    );
    expect(merkleNodeHash(new Uint8Array(32), new Uint8Array(32))).toEqual(
      sha(Uint8Array.from([1, ...new Uint8Array(64)])),
    );
  });

  it("root equals the recursive MTH and every path verifies, for every size up to 70", () => {
    for (let n = 1; n <= 70; n++) {
      const hs = leafHashes(n);
      const expected = mth(hs);
      const tree = MerkleTree.build(pack(hs));
      expect(tree.root).toEqual(expected);
      for (let i = 0; i < n; i++) expect(merkleRootFromPath(hs[i]!, i, n, tree.path(i))).toEqual(expected);
    }
  });

  it("property: a path never verifies for another index or leaf", () => {
    fc.assert(
      // At most 256 leaves: leafHashes encodes the index in one byte, so 257+ would repeat leaves (same hash).
      fc.property(fc.integer({ min: 2, max: 256 }), fc.nat(), fc.nat(), (n, a, b) => {
        const hs = leafHashes(n);
        const i = a % n;
        const j = b % n;
        const tree = MerkleTree.build(pack(hs));
        const path = tree.path(i);
        const other = merkleRootFromPath(hs[j]!, i, n, path);
        expect(other !== undefined && hex(other) === hex(tree.root)).toBe(i === j);
        if (i !== j) {
          const moved = merkleRootFromPath(hs[i]!, j, n, path);
          expect(moved !== undefined && hex(moved) === hex(tree.root)).toBe(false);
        }
      }),
      { numRuns: 60 },
    );
  });
});
