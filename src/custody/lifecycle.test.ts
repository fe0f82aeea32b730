// Lifecycle: rotation statements, suspend/resume, revoke, MSK epochs (batch and lazy), legacy remap, restarts.
import { describe, expect, it } from "vitest";
import { alice, custodyPerTest, nodeVerifyEd25519, testCustody } from "../../test/custody-helpers.js";
import { hexToBytes } from "../crypto/bytes.js";
import { Secret } from "../crypto/secret.js";
import { openStorage } from "../store/open.js";
import { GENERATION_TABLE, MSK_NAMESPACE, mskName } from "./records.js";
import { statementBytes, verifyKeyStatement } from "./statements.js";

const setup = custodyPerTest();
const enc = new TextEncoder();

describe("rotation", () => {
  it("changes the public keys, keeps the address, and the old key signs the new one", async () => {
    const { custody } = await setup();
    const before = await custody.key(alice);
    const r = await custody.rotate(alice);
    const after = await custody.key(alice);
    expect(after.address).toBe(before.address);
    expect(after.publicKey).not.toBe(before.publicKey);
    expect(after.generation).toBe(1);
    expect(r.statement.type).toBe("rotation");
    const ed = r.statement.keys.find((k) => k.scheme === "ed25519")!;
    expect(ed).toMatchObject({ old: before.publicKey, new: after.publicKey });
    // Independent check of the old key's signature (node:crypto), and our verifier.
    expect(nodeVerifyEd25519(before.publicKey, statementBytes(r.statement), r.signatures.ed25519!)).toBe(
      true,
    );
    expect(verifyKeyStatement(r.statement, r.signatures)).toBe(true);
    const s = await custody.sign(alice, enc.encode("after"));
    expect(s.generation).toBe(1);
    expect(nodeVerifyEd25519(after.publicKey, enc.encode("after"), s.signature)).toBe(true);
  });

  it("a tampered statement or a missing signature does not verify", async () => {
    const { custody } = await setup();
    await custody.key(alice);
    const r = await custody.rotate(alice);
    const other = (await custody.key({ ...alice, label: "x" })).publicKey;
    const keys = r.statement.keys.map((k) => (k.scheme === "ed25519" ? { ...k, new: other } : k));
    expect(verifyKeyStatement({ ...r.statement, keys }, r.signatures)).toBe(false);
    expect(
      verifyKeyStatement({ ...r.statement, to: { ...r.statement.to, generation: 9 } }, r.signatures),
    ).toBe(false);
    expect(verifyKeyStatement(r.statement, { ed25519: r.signatures.ed25519! })).toBe(false);
    expect(verifyKeyStatement(r.statement, { ...r.signatures, secp256k1: "00" })).toBe(false);
    expect(() => verifyKeyStatement({ ...r.statement, address: "zz" }, r.signatures)).toThrow(RangeError);
  });
});

describe("suspend, resume, revoke", () => {
  it("a suspended path cannot sign or rotate until resumed; its public key stays readable", async () => {
    const { custody } = await setup();
    await custody.key(alice);
    expect(await custody.suspend(alice)).toMatchObject({ status: "suspended" });
    await expect(custody.sign(alice, enc.encode("m"))).rejects.toMatchObject({ code: "suspended" });
    await expect(custody.rotate(alice)).rejects.toMatchObject({ code: "suspended" });
    await expect(custody.withEd25519Seed(alice, () => 1)).rejects.toMatchObject({ code: "suspended" });
    expect((await custody.key(alice)).generation).toBe(0);
    expect(await custody.resume(alice)).toMatchObject({ status: "active" });
    expect((await custody.sign(alice, enc.encode("m"))).generation).toBe(0);
  });

  it("revoke is final: nothing works on the path again, history stays readable", async () => {
    const { custody } = await setup();
    await custody.key(alice);
    await custody.revoke(alice);
    for (const op of [
      () => custody.sign(alice, enc.encode("m")),
      () => custody.key(alice),
      () => custody.rotate(alice),
      () => custody.resume(alice),
      () => custody.suspend(alice),
      () => custody.revoke(alice),
      () => custody.importLegacy(alice, "ed25519", Secret.from(new Uint8Array(32).fill(7))),
    ])
      await expect(op()).rejects.toMatchObject({ code: expect.stringMatching(/revoked|already_exists/) });
    const h = await custody.history(alice);
    expect(h.status).toBe("revoked");
    expect(h.events.map((e) => e.kind)).toEqual(["created", "revoked"]);
  });

  it("unknown paths are not created by lifecycle commands", async () => {
    const { custody } = await setup();
    await expect(custody.rotate(alice)).rejects.toMatchObject({ code: "not_found" });
    await expect(custody.suspend(alice)).rejects.toMatchObject({ code: "not_found" });
    await expect(custody.history(alice)).rejects.toMatchObject({ code: "not_found" });
  });
});

describe("MSK rotation", () => {
  it("batch: moves every path with a remap statement, reports progress, destroys the old MSK", async () => {
    const { custody, storage } = await setup();
    const refs = [alice, { ...alice, label: "agent-1" }, { ...alice, identity: "email:bob@example.com" }];
    const before = await Promise.all(refs.map((r) => custody.key(r)));
    await custody.revoke(refs[2]!);
    const progress: [number, number][] = [];
    const res = await custody.rotateMsk("acme", { onProgress: (d, n) => progress.push([d, n]) });
    expect(res).toEqual({ partition: "acme", epoch: 2, moved: 2, destroyedEpochs: [1] });
    expect(progress).toEqual([
      [0, 2],
      [1, 2],
      [2, 2],
    ]);
    expect(await storage.secrets.has(MSK_NAMESPACE, mskName("acme", 1))).toBe(false);
    for (const [i, r] of refs.slice(0, 2).entries()) {
      const k = await custody.key(r);
      expect(k.address).toBe(before[i]!.address);
      expect(k.publicKey).not.toBe(before[i]!.publicKey);
      const h = await custody.history(r);
      const remap = h.events.at(-1)!;
      expect(remap.kind).toBe("remapped");
      expect(remap.statement!.from).toEqual({ generation: 0, epoch: 1 });
      expect(
        nodeVerifyEd25519(before[i]!.publicKey, statementBytes(remap.statement!), remap.signatures!.ed25519!),
      ).toBe(true);
    }
  });

  it("lazy: a path moves on its next use; the old MSK goes when the last path has moved", async () => {
    const { custody, storage } = await setup();
    const bob = { ...alice, identity: "email:bob@example.com" };
    await custody.key(alice);
    await custody.key(bob);
    expect(await custody.rotateMsk("acme", { batch: false })).toMatchObject({
      epoch: 2,
      moved: 0,
      destroyedEpochs: [],
    });
    expect(await storage.secrets.has(MSK_NAMESPACE, mskName("acme", 1))).toBe(true);
    const s = await custody.sign(alice, enc.encode("m"));
    expect(s.generation).toBe(1);
    expect(await storage.secrets.has(MSK_NAMESPACE, mskName("acme", 1))).toBe(true);
    expect((await custody.key(bob)).generation).toBe(1);
    expect(await storage.secrets.has(MSK_NAMESPACE, mskName("acme", 1))).toBe(false);
    // A new path is born in the current epoch.
    expect((await custody.key({ ...alice, label: "new" })).generation).toBe(0);
  });

  it("never reuses a generation across rotations, MSK epochs and restarts", async () => {
    const { custody, t, close } = await setup();
    const seen = new Set<string>();
    const gens: number[] = [];
    const note = async (c: typeof custody) => {
      const k = await c.key(alice);
      gens.push(k.generation);
      seen.add(k.publicKey);
    };
    await note(custody);
    await custody.rotate(alice);
    await note(custody);
    await custody.rotateMsk("acme");
    await note(custody);
    close();
    await t.storage.close();
    // Restart: a new storage handle and a new custody over the same database file.
    const reopened = await openStorage({ db: t.dbUrl, unseal: { key: t.key } });
    try {
      const again = await testCustody(reopened);
      await note(again.custody);
      await again.custody.rotate(alice);
      await note(again.custody);
      await again.custody.rotateMsk("acme", { batch: false });
      await note(again.custody);
      expect(gens).toEqual([0, 1, 2, 2, 3, 4]);
      expect(seen.size).toBe(5);
      const claims = [];
      for await (const e of reopened.state.scan(GENERATION_TABLE)) claims.push(e.key.slice(-10));
      expect(claims).toEqual(["0000000000", "0000000001", "0000000002", "0000000003", "0000000004"]);
      again.close();
    } finally {
      await reopened.close();
    }
  });
});

describe("legacy keys", () => {
  it("an imported Ed25519 seed signs until remapped by a statement it signs, then is deleted", async () => {
    const { custody, storage } = await setup();
    const seed = hexToBytes("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60"); // RFC 8032 test 1
    const imported = await custody.importLegacy(alice, "ed25519", Secret.from(seed));
    expect(imported.publicKey).toBe("d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a");
    const s = await custody.sign(alice, new Uint8Array(0));
    // RFC 8032 §7.1 test 1: the signature of the empty message.
    expect(s.signature).toBe(
      "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b",
    );
    await expect(custody.key(alice, "secp256k1")).rejects.toMatchObject({ code: "conflict" });
    await expect(custody.rotate(alice)).rejects.toMatchObject({ code: "conflict" });
    const r = await custody.remap(alice);
    expect(r.statement).toMatchObject({
      type: "remap",
      from: { generation: 0, epoch: null },
      to: { generation: 1, epoch: 1 },
    });
    expect(nodeVerifyEd25519(imported.publicKey, statementBytes(r.statement), r.signatures.ed25519!)).toBe(
      true,
    );
    expect(verifyKeyStatement(r.statement, r.signatures)).toBe(true);
    expect(await storage.secrets.list("custody.legacy")).toEqual([]);
    const k = await custody.key(alice);
    expect(k.publicKey).not.toBe(imported.publicKey);
    expect(k.address).toBe(imported.address);
    expect((await custody.key(alice, "secp256k1")).generation).toBe(1);
    await expect(custody.remap(alice)).rejects.toMatchObject({ code: "conflict" });
  });

  it("refuses bad legacy keys and existing paths", async () => {
    const { custody } = await setup();
    await expect(
      custody.importLegacy(alice, "secp256k1", Secret.from(new Uint8Array(32))),
    ).rejects.toMatchObject({ code: "invalid_input" });
    await expect(
      custody.importLegacy(alice, "ed25519", Secret.from(new Uint8Array(31))),
    ).rejects.toMatchObject({ code: "invalid_input" });
    await custody.key(alice);
    await expect(
      custody.importLegacy(alice, "ed25519", Secret.from(new Uint8Array(32).fill(1))),
    ).rejects.toMatchObject({ code: "already_exists" });
  });
});

describe("audit of the lifecycle", () => {
  it("chains every change and verifies", async () => {
    const { custody, audit } = await setup();
    await custody.sign(alice, enc.encode("m"));
    await custody.rotate(alice);
    await custody.suspend(alice);
    await custody.resume(alice);
    await custody.rotateMsk("acme");
    await custody.revoke(alice);
    const kinds: string[] = [];
    for await (const e of audit.entries()) {
      const m = /custody\.[a-z-]+/.exec(Buffer.from(e.body, "hex").toString("latin1"));
      kinds.push(m![0]);
    }
    expect(kinds).toEqual([
      "custody.partition-created",
      "custody.identity-created",
      "custody.sign",
      "custody.rotate",
      "custody.suspend",
      "custody.resume",
      "custody.msk-rotated",
      "custody.remap",
      "custody.msk-destroyed",
      "custody.revoke",
    ]);
    expect(await audit.verify()).toEqual({ ok: true, entries: 10 });
  });
});
