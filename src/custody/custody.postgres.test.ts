// The core lifecycle and the audit chain on the real PostgreSQL server, including two instances at once.
import { describe, expect, it } from "vitest";
import { alice, nodeVerifyEd25519, storesPerTest, testCustody } from "../../test/custody-helpers.js";
import { openStorage } from "../store/open.js";
import { openTestPostgresStorage } from "../store/testing.js";

const store = storesPerTest(openTestPostgresStorage);
const enc = new TextEncoder();

describe("custody on Postgres", () => {
  it("key, sign, rotate, suspend, MSK rotation, revoke; the audit chain verifies", async () => {
    const t = await store();
    const { custody, audit, keyBuffers, close } = await testCustody(t.storage);
    await custody.createPartition("acme");
    const k0 = await custody.key(alice);
    const s = await custody.sign(alice, enc.encode("m"));
    expect(nodeVerifyEd25519(k0.publicKey, enc.encode("m"), s.signature)).toBe(true);
    await custody.rotate(alice);
    await custody.suspend(alice);
    await expect(custody.sign(alice, enc.encode("m"))).rejects.toMatchObject({ code: "suspended" });
    await custody.resume(alice);
    expect(await custody.rotateMsk("acme")).toMatchObject({ epoch: 2, moved: 1, destroyedEpochs: [1] });
    const k2 = await custody.key(alice);
    expect(k2).toMatchObject({ address: k0.address, generation: 2 });
    await custody.revoke(alice);
    await expect(custody.key(alice)).rejects.toMatchObject({ code: "revoked" });
    for (const b of keyBuffers) expect(b.every((x) => x === 0)).toBe(true);
    expect(await audit.verify()).toMatchObject({ ok: true });
    close();
  });

  it("two instances on one database: concurrent signing and rotation keep one audit chain and unique generations", async () => {
    const t = await store();
    const other = await openStorage({ db: t.dbUrl, unseal: { key: t.key } });
    try {
      const a = await testCustody(t.storage);
      const b = await testCustody(other);
      await a.custody.createPartition("acme");
      await a.custody.key(alice);
      const ops: Promise<unknown>[] = [];
      for (let i = 0; i < 10; i++) {
        ops.push((i % 2 ? a : b).custody.sign(alice, enc.encode(`m${i}`)));
        ops.push((i % 2 ? a.audit : b.audit).verify());
      }
      ops.push(a.custody.rotate(alice), b.custody.rotate(alice));
      const results = await Promise.allSettled(ops);
      // Under contention an operation may only fail cleanly (custody `conflict` or the backend giving up on a
      // serialization failure after its retries), rolled back whole; nothing else may fail.
      for (const r of results)
        if (r.status === "rejected")
          expect(["conflict", "40001"]).toContain((r.reason as { code?: string }).code);
      const h = await a.custody.history(alice);
      const gens = h.events.filter((e) => e.kind === "rotated").map((e) => e.generation);
      expect(new Set(gens).size).toBe(gens.length);
      expect(h.generation).toBe(gens.length);
      const v = await a.audit.verify();
      expect(v.ok).toBe(true);
      a.close();
      b.close();
    } finally {
      await other.close();
    }
  });
});
