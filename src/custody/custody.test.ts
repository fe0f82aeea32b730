// Custody keys and signatures, checked by independent verifiers (node:crypto, @noble/curves, published vectors).
import { createPublicKey, diffieHellman, generateKeyPairSync } from "node:crypto";
import { secp256k1 } from "@noble/curves/secp256k1.js";
import { keccak_256 } from "@noble/hashes/sha3.js";
import { describe, expect, it } from "vitest";
import {
  alice,
  custodyPerTest,
  nodeVerifyEd25519,
  pinnedCustody,
  storesPerTest,
} from "../../test/custody-helpers.js";
import { bytesToHex, hexToBytes } from "../crypto/bytes.js";
import { ed25519ScratchIsZero } from "../crypto/ed25519.js";
import { Secret } from "../crypto/secret.js";

const store = storesPerTest();
const setup = custodyPerTest();
const enc = new TextEncoder();

function noblePersonalDigest(message: Uint8Array): Uint8Array {
  return keccak_256(Buffer.concat([Buffer.from(`\x19Ethereum Signed Message:\n${message.length}`), message]));
}

describe("custody keys", () => {
  it("derives the address and keys of a pinned partition exactly as the outside vectors say", async () => {
    const service = await pinnedCustody((await store()).storage);
    const ref = { partition: "pinned", identity: "Email: ALICE@example.com" };
    const k = await service.custody.key(ref);
    // Vectors from b3sum + Python cryptography (src/custody/derive.test.ts, docs/custody.md).
    expect(k.address).toBe("e30f79b052ec84d42ee49b02e961808385f7682d5da727ccfd19c6704b85d8f3");
    expect(k.publicKey).toBe("ba3150201d104cf865076294e2a441cb06bca055946812bbcb7df495455b0803");
    expect((await service.custody.key({ ...ref, label: "agent-1" })).publicKey).toBe(
      "3ce1e8c1d8eaf10d5776238187865289ead18cf322bc37f2f59e92bdf70806d9",
    );
    expect((await service.custody.key(ref, "x25519")).publicKey).toBe(
      "b4c0ec51dd600278ba1d46eb5daccaa477b7938e39831d34f2b721745b473767",
    );
  });

  it("Ed25519 signatures verify with node:crypto over our own SPKI import", async () => {
    const { custody } = await setup();
    const msg = enc.encode("hello keyward");
    const s = await custody.sign(alice, msg);
    expect(s.generation).toBe(0);
    expect(nodeVerifyEd25519(s.publicKey, msg, s.signature)).toBe(true);
    expect(nodeVerifyEd25519(s.publicKey, enc.encode("hello keyward!"), s.signature)).toBe(false);
    expect(s.publicKey).toBe((await custody.key(alice)).publicKey);
  });

  it("secp256k1 digest signatures verify with @noble/curves and recover to the EVM address", async () => {
    const { custody } = await setup();
    const digest = keccak_256(enc.encode("transfer 1 ETH"));
    const k = await custody.key(alice, "secp256k1");
    const s = await custody.sign(alice, digest, { scheme: "secp256k1" });
    const sig = hexToBytes(s.signature);
    expect(sig.length).toBe(65);
    expect(secp256k1.verify(sig.subarray(0, 64), digest, hexToBytes(k.publicKey), { prehash: false })).toBe(
      true,
    );
    const rec = secp256k1.recoverPublicKey(Buffer.concat([sig.subarray(64), sig.subarray(0, 64)]), digest, {
      prehash: false,
    });
    const uncompressed = secp256k1.Point.fromBytes(rec).toBytes(false);
    expect(`0x${bytesToHex(keccak_256(uncompressed.subarray(1)).subarray(12))}`).toBe(k.evmAddress);
  });

  it("EIP-191 personal signatures recover (noble) to the key's EVM address", async () => {
    const { custody } = await setup();
    const msg = enc.encode("Sign in to example.org");
    const k = await custody.key(alice, "secp256k1");
    const s = await custody.sign(alice, msg, { scheme: "secp256k1", eip191: true });
    const sig = hexToBytes(s.signature);
    expect([27, 28]).toContain(sig[64]);
    const rec = secp256k1.recoverPublicKey(
      Buffer.concat([Uint8Array.of(sig[64]! - 27), sig.subarray(0, 64)]),
      noblePersonalDigest(msg),
      { prehash: false },
    );
    const uncompressed = secp256k1.Point.fromBytes(rec).toBytes(false);
    expect(`0x${bytesToHex(keccak_256(uncompressed.subarray(1)).subarray(12))}`).toBe(k.evmAddress);
  });

  it("an imported key reproduces the web3.js EIP-191 vector ('Some data')", async () => {
    const { custody } = await setup();
    const priv = hexToBytes("4c0883a69102937d6231471b5dbb6204fe5129617082792ae468d01a3f362318");
    const ref = { partition: "acme", identity: "evm:0x2c7536E3605D9C16a7a3D7b1898e529396a65c23" };
    await custody.importLegacy(ref, "secp256k1", Secret.from(priv));
    const k = await custody.key(ref, "secp256k1");
    expect(k.evmAddress).toBe("0x2c7536e3605d9c16a7a3d7b1898e529396a65c23");
    const s = await custody.sign(ref, enc.encode("Some data"), { scheme: "secp256k1", eip191: true });
    expect(s.signature).toBe(
      "b91467e570a6466aa9e9876cbcd013baba02900b8979d43fe208a4a4f339f5fd6007e74cd82e037b800186422fc2da167c747ef045e5d18a5f5d4300f8e1a0291c",
    );
  });

  it("X25519 agreement stays inside custody and matches node:crypto on the peer side", async () => {
    const { custody } = await setup();
    const k = await custody.key(alice, "x25519");
    const peer = generateKeyPairSync("x25519");
    const peerPub = new Uint8Array(peer.publicKey.export({ format: "der", type: "spki" }).subarray(12));
    let seen: Uint8Array | undefined;
    const mine = await custody.withX25519Agreement(alice, peerPub, (shared) => {
      seen = shared;
      return bytesToHex(shared);
    });
    const custodyPub = createPublicKey({
      key: Buffer.concat([Buffer.from("302a300506032b656e032100", "hex"), Buffer.from(k.publicKey, "hex")]),
      format: "der",
      type: "spki",
    });
    expect(mine).toBe(diffieHellman({ privateKey: peer.privateKey, publicKey: custodyPub }).toString("hex"));
    expect(seen!.every((b) => b === 0)).toBe(true);
    await expect(custody.withX25519Agreement(alice, new Uint8Array(32), () => 1)).rejects.toThrow(RangeError);
  });

  it("refuses what a scheme cannot do, with input errors naming the problem", async () => {
    const { custody } = await setup();
    await expect(custody.sign(alice, enc.encode("x"), { scheme: "x25519" })).rejects.toThrow(/cannot sign/);
    await expect(custody.sign(alice, enc.encode("x"), { scheme: "secp256k1" })).rejects.toThrow(
      /32-byte digest/,
    );
    await expect(custody.sign(alice, enc.encode("x"), { eip191: true })).rejects.toThrow(/secp256k1/);
    await expect(custody.sign(alice, "x" as never)).rejects.toThrow(TypeError);
    await expect(custody.key({ partition: "nope", identity: "email:a@b.co" })).rejects.toMatchObject({
      code: "not_found",
    });
    await expect(custody.key({ partition: "acme", identity: "alice" })).rejects.toThrow(RangeError);
    await expect(custody.createPartition("acme")).rejects.toMatchObject({ code: "already_exists" });
  });

  it("isolates partitions: same identity and label, different address and keys", async () => {
    const { custody } = await setup();
    await custody.createPartition("other");
    const a = await custody.key(alice);
    const b = await custody.key({ ...alice, partition: "other" });
    expect(b.address).not.toBe(a.address);
    expect(b.publicKey).not.toBe(a.publicKey);
    expect((await custody.listPartitions()).map((p) => p.name)).toEqual(["acme", "other"]);
  });

  it("wipes every derived private-key buffer after the operation", async () => {
    const { custody, keyBuffers } = await setup();
    const before = keyBuffers.length;
    await custody.sign(alice, enc.encode("m"));
    // The seed is derived for this signature alone (no key cache) and libsodium's expanded key is zeroed.
    expect(keyBuffers.length).toBeGreaterThan(before);
    expect(keyBuffers.at(-1)!.every((x) => x === 0)).toBe(true);
    expect(ed25519ScratchIsZero()).toBe(true);
    await custody.sign(alice, keccak_256(enc.encode("m")), { scheme: "secp256k1" });
    await custody.rotate(alice);
    let lent: Uint8Array | undefined;
    const pub = await custody.withEd25519Seed(alice, (seed, publicKey) => {
      lent = seed;
      expect(seed.some((b) => b !== 0)).toBe(true);
      return bytesToHex(publicKey);
    });
    expect(pub).toBe((await custody.key(alice)).publicKey);
    expect(keyBuffers.length).toBeGreaterThan(5);
    for (const b of keyBuffers) expect(b.every((x) => x === 0)).toBe(true);
    expect(lent!.every((x) => x === 0)).toBe(true);
  });

  it("records signatures in the audit log with the message only as an HMAC", async () => {
    const { custody, audit } = await setup();
    const msg = enc.encode("very private message");
    await custody.sign(alice, msg);
    const entries = [];
    for await (const e of audit.entries()) entries.push(e);
    const bodies = entries.map((e) => Buffer.from(e.body, "hex").toString("latin1"));
    expect(bodies.some((b) => b.includes("custody.sign"))).toBe(true);
    expect(bodies.some((b) => b.includes("custody.identity-created"))).toBe(true);
    expect(bodies.join()).not.toContain("very private message");
    expect(bodies.join()).not.toContain("alice@example.com");
    expect(await audit.verify()).toMatchObject({ ok: true });
  });

  it("the actor argument is recorded on audit events, batches with other callers and is validated", async () => {
    const { custody, audit } = await setup();
    // Signatures of two callers and one naming none in flight at once: one group commit, three actors.
    await Promise.all([
      custody.sign(alice, enc.encode("1"), {}, "token:a"),
      custody.sign(alice, enc.encode("2"), {}, "token:b"),
      custody.sign(alice, enc.encode("3")),
    ]);
    await custody.suspend(alice, "token:b");
    const bodies: string[] = [];
    for await (const e of audit.entries()) bodies.push(Buffer.from(e.body, "hex").toString("latin1"));
    const signs = bodies.filter((b) => b.includes("custody.sign"));
    expect(signs.filter((b) => b.includes("token:a"))).toHaveLength(1);
    expect(signs.filter((b) => b.includes("token:b"))).toHaveLength(1);
    expect(bodies.find((b) => b.includes("custody.suspend"))).toContain("token:b");
    await expect(custody.sign(alice, enc.encode("4"), {}, "token:a")).rejects.toMatchObject({
      code: "suspended",
    });
    await expect(custody.resume(alice, "")).rejects.toThrow(RangeError);
    await expect(custody.resume(alice, 7 as unknown as string)).rejects.toThrow(TypeError);
    await expect(custody.resume(alice, "x".repeat(201))).rejects.toThrow(/actor/);
  });

  it("concurrent signatures on a new identity share one batch: one path creation, one key for all", async () => {
    const { custody, audit } = await setup();
    const bob = { partition: alice.partition, identity: "user:bob" };
    const sigs = await Promise.all(
      Array.from({ length: 10 }, (_, i) => custody.sign(bob, enc.encode(`m${i}`))),
    );
    expect(new Set(sigs.map((s) => s.publicKey)).size).toBe(1);
    const bodies: string[] = [];
    for await (const e of audit.entries()) bodies.push(Buffer.from(e.body, "hex").toString("latin1"));
    expect(bodies.filter((b) => b.includes("custody.identity-created"))).toHaveLength(1);
    expect(bodies.filter((b) => b.includes("custody.sign"))).toHaveLength(10);
    for (const [i, s] of sigs.entries())
      expect(nodeVerifyEd25519(s.publicKey, enc.encode(`m${i}`), s.signature)).toBe(true);
  });
});
