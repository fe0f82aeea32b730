// Custody's bip340 scheme: derived x-only keys (Python/b3sum oracle), BIP-340 signatures checked by @noble/curves,
// BIP-341 taproot signing, rotation statements signed by the old BIP-340 key, and paths older than the scheme.
import { schnorr } from "@noble/curves/secp256k1.js";
import { describe, expect, it } from "vitest";
import { pinnedCustody, storesPerTest } from "../../test/custody-helpers.js";
import { hexToBytes, utf8 } from "../crypto/bytes.js";
import { paths } from "./records.js";
import { verifyKeyStatement } from "./statements.js";

const store = storesPerTest();
async function setup() {
  const t = await store();
  const service = await pinnedCustody(t.storage);
  return { ...service, storage: t.storage };
}
const alice = { partition: "pinned", identity: "email:alice@example.com" };

describe("custody bip340 keys", () => {
  it("derives the x-only key and its taproot output key as the outside script says", async () => {
    const { custody } = await setup();
    // python3 src/custody/bip340.vectors.py (b3sum + cryptography + hashlib).
    const k = await custody.key(alice, "bip340");
    expect(k.publicKey).toBe("d5e02de088778fa2fa0ab2a9808cd0247fb38e551fc0e916a7d41d89a304bef6");
    expect(k.taprootOutputKey).toBe("917de26ded366072e6e3efb2eecde9f2be8b9eb550f5258c5a88c8bb787d0095");
    expect(k.scheme).toBe("bip340");
    // A key of its own: not the secp256k1 key of the same path.
    expect((await custody.key(alice, "secp256k1")).publicKey.slice(2)).not.toBe(k.publicKey);
  });

  it("signs any message with BIP-340; with taproot, under the output key; key bytes are wiped", async () => {
    const { custody, keyBuffers } = await setup();
    const k = await custody.key(alice, "bip340");
    for (const msg of [
      new Uint8Array(32).fill(3),
      utf8("a longer message than 32 bytes, BIP-340 allows it"),
    ]) {
      const s = await custody.sign(alice, msg, { scheme: "bip340" });
      expect(s.publicKey).toBe(k.publicKey);
      expect(schnorr.verify(hexToBytes(s.signature), msg, hexToBytes(k.publicKey))).toBe(true);
    }
    const sighash = new Uint8Array(32).fill(9);
    const t = await custody.sign(alice, sighash, { scheme: "bip340", taproot: true });
    expect(t.publicKey).toBe(k.taprootOutputKey);
    expect(schnorr.verify(hexToBytes(t.signature), sighash, hexToBytes(k.taprootOutputKey!))).toBe(true);
    const root = new Uint8Array(32).fill(1);
    const r = await custody.sign(alice, sighash, { scheme: "bip340", taproot: root });
    expect(r.publicKey).not.toBe(k.taprootOutputKey);
    expect(schnorr.verify(hexToBytes(r.signature), sighash, hexToBytes(r.publicKey))).toBe(true);
    expect(keyBuffers.length).toBeGreaterThan(0);
    for (const b of keyBuffers) expect(b.every((x) => x === 0)).toBe(true);
    await expect(custody.sign(alice, sighash, { scheme: "ed25519", taproot: true })).rejects.toThrow(
      /taproot requires scheme bip340/,
    );
  });

  it("rotation: the old BIP-340 key signs the statement naming the new one", async () => {
    const { custody } = await setup();
    const before = await custody.key(alice, "bip340");
    const r = await custody.rotate(alice);
    const change = r.statement.keys.find((c) => c.scheme === "bip340");
    expect(change?.old).toBe(before.publicKey);
    expect(change?.new).toBe((await custody.key(alice, "bip340")).publicKey);
    expect(r.signatures.bip340).toMatch(/^[0-9a-f]{128}$/);
    expect(verifyKeyStatement(r.statement, r.signatures)).toBe(true);
    expect(verifyKeyStatement(r.statement, { ...r.signatures, bip340: r.signatures.ed25519! })).toBe(false);
  });

  it("a path created before the scheme existed gets its bip340 key on next use (same generation)", async () => {
    const { custody, storage } = await setup();
    const ed = await custody.key(alice);
    const key = (await (async () => {
      for await (const { key } of paths.scan(storage.state)) return key;
    })())!;
    const rec = await paths.get(storage.state, key);
    const { bip340: _dropped, ...older } = rec!.publicKeys;
    await paths.put(storage.state, key, { ...rec!, publicKeys: older });
    const k = await custody.key(alice, "bip340");
    expect(k.publicKey).toBe("d5e02de088778fa2fa0ab2a9808cd0247fb38e551fc0e916a7d41d89a304bef6");
    expect(k.generation).toBe(ed.generation);
    expect((await paths.get(storage.state, key))!.version).toBe(rec!.version);
  });
});
