// Merkle tree: RFC 9162 MTH computed independently (recursive split definition) and every inclusion path verified.
import { blake3 } from "@noble/hashes/blake3.js";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { merkleLeafHash, merkleNodeHash, merkleRootAndPath, merkleRootFromPath } from "./merkle.js";

// RFC 9162 §2.1.1 written as its recursive definition (not the iterative code under test).
function mth(leaves: Uint8Array[]): Uint8Array {
  if (leaves.length === 1) return leaves[0]!;
  let k = 1;
  while (k * 2 < leaves.length) k *= 2;
  return blake3(Uint8Array.from([1, ...mth(leaves.slice(0, k)), ...mth(leaves.slice(k))]));
}

const leafHashes = (n: number) =>
  Array.from({ length: n }, (_, i) => merkleLeafHash(Uint8Array.of(i, i >> 8)));
const pack = (hs: Uint8Array[]) => Uint8Array.from(hs.flatMap((h) => [...h]));

describe("merkle", () => {
  it("leaf and node hashes are BLAKE3 with 0x00 / 0x01 prefixes (b3sum)", () => {
    // printf '\x00abc' | b3sum ; printf '\x01' > n; head -c 64 /dev/zero >> n; b3sum n
    expect(Buffer.from(merkleLeafHash(new TextEncoder().encode("abc"))).toString("hex")).toBe(
      "b14157d03cf324d8896c43f2c5e241223eab944698e40c01f8f4e028fd1751e4",
    );
    expect(Buffer.from(merkleNodeHash(new Uint8Array(32), new Uint8Array(32))).toString("hex")).toBe(
      "484355d80674e290ecbca3d2a29c948912537bbfcdd930aeaaf6037d1a98f7c0",
    );
  });

  it("root equals RFC 9162 MTH and every path verifies, for every size up to 40", () => {
    for (let n = 1; n <= 40; n++) {
      const hs = leafHashes(n);
      const expected = mth(hs);
      for (let i = 0; i < n; i++) {
        const { root, path } = merkleRootAndPath(pack(hs), i);
        expect(root).toEqual(expected);
        expect(merkleRootFromPath(hs[i]!, i, n, path)).toEqual(expected);
      }
    }
  });

  it("property: a path never verifies for another index, size or leaf", () => {
    fc.assert(
      fc.property(fc.integer({ min: 2, max: 70 }), fc.nat(), fc.nat(), (n, a, b) => {
        const hs = leafHashes(n);
        const i = a % n;
        const j = b % n;
        const { root, path } = merkleRootAndPath(pack(hs), i);
        const other = merkleRootFromPath(hs[j]!, i, n, path);
        expect(other !== undefined && Buffer.compare(other, root) === 0).toBe(i === j);
        if (i !== j) {
          const moved = merkleRootFromPath(hs[i]!, j, n, path);
          expect(moved !== undefined && Buffer.compare(moved, root) === 0).toBe(false);
        }
      }),
    );
  });
});
