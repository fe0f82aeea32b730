// Absence proofs: a key with no history is proven absent by its adjacent neighbours; every forgery is false.
import { generateKeyPairSync, sign } from "node:crypto";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { DelegationTree } from "./checkpoint.js";
import { DelegationIndex } from "./delegation-index.js";
import type { DelegationId } from "./ids.js";
import type { DelegationAbsenceProof } from "./proof-format.js";
import { verifyDelegationProof } from "./verify-proof.js";

// An Ed25519 signer built directly on node:crypto (independent of keyward's ed25519 wrapper).
const { privateKey, publicKey } = generateKeyPairSync("ed25519");
const pub = new Uint8Array(publicKey.export({ format: "der", type: "spki" }).subarray(12));
const signer = { publicKey: pub, sign: (m: Uint8Array) => new Uint8Array(sign(null, m, privateKey)) };

type Key = [DelegationId, DelegationId, DelegationId];

function indexOf(keys: readonly Key[]): DelegationIndex {
  const index = new DelegationIndex();
  for (const [d, p, s] of keys) index.apply({ op: "grant", delegator: d, provider: p, scopes: [s], at: 10 });
  return index;
}

async function treeOf(keys: readonly Key[]) {
  const index = indexOf(keys);
  const tree = DelegationTree.build(index);
  return { index, tree, checkpoint: await tree.sign(signer) };
}

const id = fc.oneof(fc.integer({ min: 0, max: 40 }), fc.constantFrom("A", "B", "zz", "é"));
const key = fc.tuple(id, id, id) as fc.Arbitrary<Key>;

describe("absence proofs", () => {
  it("prove every never-granted key absent, at any position, and refuse keys that have a history", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(key, { maxLength: 40 }),
        fc.array(key, { minLength: 1, maxLength: 10 }),
        async (present, probes) => {
          const { index, tree, checkpoint } = await treeOf(present);
          for (const [d, p, s] of probes) {
            if (index.keyRow(d, p, s) >= 0) {
              expect(() => tree.proveAbsence(d, p, s)).toThrow(/has a history/);
              continue;
            }
            const proof = JSON.parse(JSON.stringify(tree.proveAbsence(d, p, s)));
            for (const at of [0, 10, 2 ** 40]) {
              expect(verifyDelegationProof(proof, checkpoint, pub, at)).toEqual({
                authorized: false,
                interval: null,
                delegator: d,
                provider: p,
                scope: s,
                seq: checkpoint.seq,
                absent: true,
              });
            }
          }
        },
      ),
      { numRuns: 60 },
    );
  });

  it("covers the edges: before the first leaf, after the last, and the empty tree", async () => {
    const { tree, checkpoint } = await treeOf([
      [5, 5, 5],
      [6, 6, 6],
    ]);
    const first = tree.proveAbsence(1, 1, 1);
    expect(first.left).toBeNull();
    expect(first.right?.index).toBe(0);
    const last = tree.proveAbsence("z", 1, 1);
    expect(last.right).toBeNull();
    expect(last.left?.index).toBe(1);
    for (const proof of [first, last])
      expect(verifyDelegationProof(proof, checkpoint, pub, 7)).not.toBe(false);
    const empty = await treeOf([]);
    const none = empty.tree.proveAbsence(1, 2, 3);
    expect([none.left, none.right]).toEqual([null, null]);
    expect(verifyDelegationProof(none, empty.checkpoint, pub, 7)).toMatchObject({ absent: true });
    // A "both null" proof against a non-empty tree is a forgery.
    expect(verifyDelegationProof({ ...none }, checkpoint, pub, 7)).toBe(false);
  });

  it("returns false for every forgery: present key, skipped leaves, swapped or edited neighbours, wrong key", async () => {
    const keys: Key[] = [1, 3, 5, 7, 9].map((d) => [d, "A", 1]);
    const { tree, checkpoint } = await treeOf(keys);
    const good = tree.proveAbsence(4, "A", 1);
    expect(verifyDelegationProof(good, checkpoint, pub, 10)).not.toBe(false);
    const forged: DelegationAbsenceProof[] = [
      // Claim the present key 5 is absent using the neighbours of 4 (3 and 5): 5 is not strictly before right.
      { ...good, delegator: 5 },
      // Neighbours 3 and 7 (skipping 5): not adjacent, so 5 or 6 cannot be shown absent this way.
      { ...good, delegator: 6, right: tree.prove(7, "A", 1) },
      // Swapped neighbours.
      { ...good, left: good.right, right: good.left },
      // A neighbour's history edited.
      { ...good, left: { ...good.left!, intervals: [[11, null]] } },
      // A neighbour's index moved.
      { ...good, right: { ...good.right!, index: good.right!.index + 1 } },
      // Dropping a neighbour that exists.
      { ...good, left: null },
      { ...good, right: null },
      // Key outside the neighbours' range.
      { ...good, delegator: 8 },
    ];
    for (const f of forged) expect(verifyDelegationProof(f, checkpoint, pub, 10)).toBe(false);
    // Another signer's key: false; malformed neighbours: thrown, naming the field.
    const otherKey = generateKeyPairSync("ed25519")
      .publicKey.export({ format: "der", type: "spki" })
      .subarray(12);
    expect(verifyDelegationProof(good, checkpoint, new Uint8Array(otherKey), 10)).toBe(false);
    expect(() => verifyDelegationProof({ ...good, left: 7 }, checkpoint, pub, 10)).toThrow(/proof\.left/);
    expect(() => verifyDelegationProof({ ...good, absent: "yes" }, checkpoint, pub, 10)).toThrow(
      /proof\.absent/,
    );
    expect(() =>
      verifyDelegationProof({ ...good, right: { ...good.right!, path: ["%%"] } }, checkpoint, pub, 10),
    ).toThrow(/proof\.right\.path\[0\]/);
  });
});
