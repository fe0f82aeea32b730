// Delegation checkpoint/proof vectors produced by src/delegations/delegations.vectors.py (Python: its own canonical
// encoder, hashlib SHA-256, `cryptography` Ed25519 — no keyward code), reproduced and verified here.
import { describe, expect, it } from "vitest";
import { ed25519PrivateKeyObject, ed25519PublicKey, ed25519Sign } from "../crypto/ed25519.js";
import { DelegationTree } from "./checkpoint.js";
import { DelegationIndex } from "./delegation-index.js";
import { merkleLeafHash } from "./merkle.js";
import { checkpointMessage, leafBytes } from "./proof-format.js";
import { verifyDelegationProof } from "./verify-proof.js";

// proof(A): the inclusion proof of (1234, "A", 1), also the left neighbour in the absence vector.
const PROOF_A = {
  version: 1,
  delegator: 1234,
  provider: "A",
  scope: 1,
  intervals: [
    [100, 400],
    [1000, null],
  ],
  index: 0,
  path: ["x5Rr_rr_BEonqqv5xQSNLM_ujCGdNn6Viydbt_6noYM"],
} as const;

const V = {
  leafA:
    "1a0000006b6579776172642076312064656c65676174696f6e2d6c65616608040000000900000064656c656761746f7203d20400000000000009000000696e74657276616c7307020000000702000000036400000000000000039001000000000000070200000003e803000000000000000800000070726f76696465720501000000410500000073636f7065030100000000000000",
  leafHashA: "080aa0197bed33bd31c3dc9180ddab4a05a4451bc9ffa35d8d6b06db84d72ccd",
  leafHashB: "c7946bfebaff044a27aaabf9c5048d2ccfee8c219d367e958b275bb7fea7a183",
  root: "64341073e03d0f8000b71b830fe9e0a21f6995eb3dcb90c62e3e76fbbbe900a8",
  message:
    "210000006b6579776172642076312064656c65676174696f6e732d636865636b706f696e74080400000004000000726f6f74062000000064341073e03d0f8000b71b830fe9e0a21f6995eb3dcb90c62e3e76fbbbe900a8030000007365710304000000000000000400000073697a650302000000000000000700000076657273696f6e030100000000000000",
  publicKey: "ea4a6c63e29c520abef5507b132ec5f9954776aebebe7b92421eea691446d22c",
  checkpoint: {
    version: 1,
    seq: 4,
    size: 2,
    root: "ZDQQc-A9D4AAtxuDD-ngoh9ples9y5DGLj52-7vpAKg",
    signature: "hsvotK73XV2MaDT6sT06BSk2ZP8i21XdT2a4zIezWExaJt5hzsa9SGlXal2vIro4O3KVNLO-LQjg3PWOule5Aw",
    publicKey: "ea4a6c63e29c520abef5507b132ec5f9954776aebebe7b92421eea691446d22c",
  },
  proof: PROOF_A,
  absence: {
    version: 1,
    absent: true,
    delegator: 1234,
    provider: "A",
    scope: 2,
    left: PROOF_A, // the Python script emits the same object for both
    right: {
      version: 1,
      delegator: 1234,
      provider: "B",
      scope: 1,
      intervals: [[500, null]],
      index: 1,
      path: ["CAqgGXvtM70xw9yRgN2rSgWkRRvJ_6NdjWsG24TXLM0"],
    },
  },
} as const;
const hex = (b: Uint8Array) => Buffer.from(b).toString("hex");

describe("delegation wire-format vectors (docs/wire-format.md, Delegations)", () => {
  const index = new DelegationIndex();
  index.applyLogged(1, { op: "grant", delegator: 1234, provider: "A", scopes: [1], at: 100 });
  index.applyLogged(2, { op: "revoke", delegator: 1234, provider: "A", scopes: [1], at: 400 });
  index.applyLogged(3, { op: "grant", delegator: 1234, provider: "A", scopes: [1], at: 1000 });
  index.applyLogged(4, { op: "grant", delegator: 1234, provider: "B", scopes: [1], at: 500 });
  const seed = new Uint8Array(32).fill(7);

  it("leaf bytes, leaf hashes, root and checkpoint message match", () => {
    expect(
      hex(
        leafBytes(1234, "A", 1, [
          [100, 400],
          [1000, null],
        ]),
      ),
    ).toBe(V.leafA);
    expect(
      hex(
        merkleLeafHash(
          leafBytes(1234, "A", 1, [
            [100, 400],
            [1000, null],
          ]),
        ),
      ),
    ).toBe(V.leafHashA);
    const tree = DelegationTree.build(index);
    expect(hex(tree.root)).toBe(V.root);
    expect(hex(checkpointMessage(4, 2, tree.root))).toBe(V.message);
  });

  it("the same seed gives the same checkpoint and proof; the Python-signed files verify", async () => {
    const key = ed25519PrivateKeyObject(seed);
    const tree = DelegationTree.build(index);
    const checkpoint = await tree.sign({
      publicKey: ed25519PublicKey(seed),
      sign: (m) => ed25519Sign(key, m),
    });
    expect(checkpoint).toEqual(V.checkpoint);
    expect(JSON.parse(JSON.stringify(tree.prove(1234, "A", 1)))).toEqual(V.proof);
    expect(verifyDelegationProof(V.proof, V.checkpoint, V.publicKey, 250)).toMatchObject({
      authorized: true,
    });
    expect(verifyDelegationProof(V.proof, V.checkpoint, V.publicKey, 700)).toMatchObject({
      authorized: false,
    });
  });

  it("proves (1234, A, 2) absent exactly as the Python vector, which verifies", () => {
    const tree = DelegationTree.build(index);
    expect(JSON.parse(JSON.stringify(tree.proveAbsence(1234, "A", 2)))).toEqual(V.absence);
    expect(verifyDelegationProof(V.absence, V.checkpoint, V.publicKey, 250)).toEqual({
      authorized: false,
      interval: null,
      delegator: 1234,
      provider: "A",
      scope: 2,
      seq: 4,
      absent: true,
    });
  });
});
