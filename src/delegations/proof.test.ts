// Checkpoints and proofs: every proof verifies and agrees with the index; every tampered field gives false.
import { generateKeyPairSync, sign } from "node:crypto";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { canonicalEncode } from "../crypto/canonical.js";
import { DelegationTree } from "./checkpoint.js";
import { DelegationIndex } from "./delegation-index.js";
import {
  DELEGATION_TAGS,
  type DelegationCheckpoint,
  type DelegationProof,
  leafBytes,
} from "./proof-format.js";
import { verifyDelegationProof } from "./verify-proof.js";

// An Ed25519 signer built directly on node:crypto (independent of keyward's ed25519 wrapper).
const { privateKey, publicKey } = generateKeyPairSync("ed25519");
const pub = new Uint8Array(publicKey.export({ format: "der", type: "spki" }).subarray(12));
const signer = { publicKey: pub, sign: (m: Uint8Array) => new Uint8Array(sign(null, m, privateKey)) };
const other = generateKeyPairSync("ed25519").publicKey.export({ format: "der", type: "spki" }).subarray(12);

function sample(): DelegationIndex {
  const index = new DelegationIndex();
  for (let d = 0; d < 50; d++) {
    index.apply({
      op: "grant",
      delegator: d,
      provider: d % 3 === 0 ? "A" : 7,
      scopes: [1, "s:x"],
      at: 100 + d,
    });
    if (d % 2 === 0)
      index.apply({ op: "revoke", delegator: d, provider: d % 3 === 0 ? "A" : 7, scopes: [1], at: 400 });
    if (d % 4 === 0)
      index.apply({
        op: "grant",
        delegator: d,
        provider: d % 3 === 0 ? "A" : 7,
        scopes: [1],
        at: 1000,
        expiresAt: 2000,
      });
  }
  return index;
}

async function fixture() {
  const index = sample();
  const tree = DelegationTree.build(index);
  const checkpoint = await tree.sign(signer);
  return { index, tree, checkpoint, proof: tree.prove(4, 7, 1) };
}

describe("checkpoint and proofs", () => {
  it("every key's proof verifies and answers like the index at every probed position", async () => {
    const { index, tree, checkpoint } = await fixture();
    expect(checkpoint).toMatchObject({ version: 1, seq: 0, size: 100 });
    for (let d = 0; d < 50; d++)
      for (const s of [1, "s:x"]) {
        const p = d % 3 === 0 ? "A" : 7;
        const proof = tree.prove(d, p, s);
        for (const at of [0, 99, 100 + d, 399, 400, 999, 1000, 1999, 2000]) {
          const r = verifyDelegationProof(proof, checkpoint, pub, at);
          expect(r).not.toBe(false);
          if (r === false) continue;
          expect({ authorized: r.authorized, interval: r.interval }).toEqual(index.check(d, p, s, at));
        }
      }
  });

  it("survives a JSON round trip and accepts the key as hex", async () => {
    const { checkpoint, proof } = await fixture();
    const file = JSON.parse(JSON.stringify({ checkpoint, proof }));
    const r = verifyDelegationProof(file.proof, file.checkpoint, Buffer.from(pub).toString("hex"), 1500);
    expect(r).toMatchObject({
      authorized: true,
      interval: { from: 1000, until: 2000 },
      delegator: 4,
      provider: 7,
      scope: 1,
    });
  });

  it("the root does not depend on insertion order", async () => {
    const a = new DelegationIndex();
    const b = new DelegationIndex();
    a.apply({ op: "grant", delegator: 1, provider: 2, scopes: [3], at: 1 });
    a.apply({ op: "grant", delegator: 9, provider: 2, scopes: [3], at: 1 });
    b.apply({ op: "grant", delegator: 9, provider: 2, scopes: [3], at: 1 });
    b.apply({ op: "grant", delegator: 1, provider: 2, scopes: [3], at: 1 });
    expect(DelegationTree.build(a).root).toEqual(DelegationTree.build(b).root);
  });

  it("each tampered field gives false (never a throw)", async () => {
    const { checkpoint, proof } = await fixture();
    const flip = (b64: string) => {
      const bytes = Buffer.from(b64, "base64url");
      bytes[5]! ^= 1;
      return bytes.toString("base64url");
    };
    const proofs: DelegationProof[] = [
      { ...proof, delegator: 5 },
      { ...proof, delegator: "4x" },
      { ...proof, provider: "A" },
      { ...proof, scope: "s:x" },
      { ...proof, intervals: proof.intervals.slice(1) },
      { ...proof, intervals: proof.intervals.map(([f, u]) => [f - 1, u] as const) },
      { ...proof, intervals: proof.intervals.map(([f, u]) => [f, u === null ? 5000 : u + 1] as const) },
      { ...proof, intervals: [...proof.intervals, [3000, null] as const] },
      { ...proof, index: proof.index + 1 },
      { ...proof, path: proof.path.slice(1) },
      { ...proof, path: [flip(proof.path[0]!), ...proof.path.slice(1)] },
      { ...proof, path: [...proof.path].reverse() },
      { ...proof, version: 2 as 1 },
    ];
    for (const p of proofs) expect(verifyDelegationProof(p, checkpoint, pub, 1500)).toBe(false);
    const checkpoints: DelegationCheckpoint[] = [
      { ...checkpoint, seq: checkpoint.seq + 1 },
      { ...checkpoint, size: checkpoint.size + 1 },
      { ...checkpoint, root: flip(checkpoint.root) },
      { ...checkpoint, signature: flip(checkpoint.signature) },
      { ...checkpoint, version: 2 as 1 },
    ];
    for (const c of checkpoints) expect(verifyDelegationProof(proof, c, pub, 1500)).toBe(false);
    expect(verifyDelegationProof(proof, checkpoint, new Uint8Array(other), 1500)).toBe(false);
  });

  it("throws only for malformed input, naming the field", async () => {
    const { checkpoint, proof } = await fixture();
    expect(() => verifyDelegationProof(null, checkpoint, pub, 1)).toThrow(TypeError);
    expect(() => verifyDelegationProof({ ...proof, path: ["!!"] }, checkpoint, pub, 1)).toThrow(
      /proof\.path\[0\]/,
    );
    expect(() => verifyDelegationProof({ ...proof, intervals: [[1]] }, checkpoint, pub, 1)).toThrow(
      /intervals\[0\]/,
    );
    expect(() => verifyDelegationProof(proof, { ...checkpoint, root: "AAAA" }, pub, 1)).toThrow(
      /checkpoint\.root/,
    );
    expect(() => verifyDelegationProof(proof, checkpoint, pub.subarray(1), 1)).toThrow(RangeError);
    expect(() => verifyDelegationProof(proof, checkpoint, pub, -1)).toThrow(RangeError);
  });

  it("a proof with a 22-level path (4M keys) and a 4-interval history stays under 2 KB as JSON", async () => {
    const { proof } = await fixture();
    const path = Array.from({ length: 22 }, () => proof.path[0]!);
    const big: DelegationProof = {
      ...proof,
      delegator: 9007199254740991,
      intervals: [
        [9007199254740000, 9007199254740100],
        [9007199254740200, 9007199254740300],
        [9007199254740400, 9007199254740500],
        [9007199254740600, null],
      ],
      index: 4194303,
      path,
    };
    expect(JSON.stringify(big).length).toBeLessThanOrEqual(2048);
  });

  it("leafBytes is exactly the canonical encoding of the leaf (property)", () => {
    const id = fc.oneof(
      fc.nat({ max: Number.MAX_SAFE_INTEGER }),
      fc.string({ minLength: 1, maxLength: 8 }).filter((s) => !/^[0-9]+$/.test(s)),
    );
    const pos = fc.nat({ max: Number.MAX_SAFE_INTEGER });
    fc.assert(
      fc.property(
        id,
        id,
        id,
        fc.array(fc.tuple(pos, fc.option(pos, { nil: null })), { maxLength: 5 }),
        (d, p, s, iv) => {
          expect(leafBytes(d, p, s, iv)).toEqual(
            canonicalEncode(DELEGATION_TAGS.leaf, {
              delegator: d,
              provider: p,
              scope: s,
              intervals: iv.map(([f, u]) => [f, u]),
            }),
          );
        },
      ),
    );
  });

  it("an empty index has the RFC 9162 empty root and nothing to prove", () => {
    const tree = DelegationTree.build(new DelegationIndex());
    expect(Buffer.from(tree.root).toString("hex")).toBe(
      // sha256sum /dev/null
      "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
    );
    expect(() => tree.prove(1, 2, 3)).toThrow(expect.objectContaining({ code: "not_found" }));
  });
});
