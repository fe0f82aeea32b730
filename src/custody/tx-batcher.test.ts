// Group commit of signatures: concurrent requests share a transaction, refusals stay isolated, all audited.
import { describe, expect, it } from "vitest";
import { nodeVerifyEd25519, storesPerTest, testCustody } from "../../test/custody-helpers.js";
import { KeywardError } from "../errors/keyward-error.js";
import type { StorageTx } from "../store/ports.js";
import { TxBatcher } from "./tx-batcher.js";

const store = storesPerTest();
const enc = new TextEncoder();

describe("TxBatcher", () => {
  it("runs requests of one turn in one transaction and resolves each after the commit", async () => {
    const { storage } = await store();
    let transactions = 0;
    const batcher = new TxBatcher<StorageTx, number, number>(
      (fn) => {
        transactions++;
        return storage.transaction(fn);
      },
      async (tx, n) => {
        await tx.state.put("t", `k${n}`, Uint8Array.of(n));
        return n * 2;
      },
    );
    const results = await Promise.all(Array.from({ length: 40 }, (_, i) => batcher.submit(i)));
    expect(results).toEqual(Array.from({ length: 40 }, (_, i) => i * 2));
    expect(transactions).toBe(1);
    for (let i = 0; i < 40; i++) expect(await storage.state.get("t", `k${i}`)).toEqual(Uint8Array.of(i));
  });

  it("tells work the batch size and lets finish turn the work values into results before the commit", async () => {
    const { storage } = await store();
    const sizes: number[] = [];
    const batcher = new TxBatcher<StorageTx, number, string, number>(
      (fn) => storage.transaction(fn),
      async (_tx, n, size) => {
        sizes.push(size);
        return n;
      },
      async (tx, done) => {
        await tx.state.put("t", "last", Uint8Array.of(done.length));
        return done.map((n) => `r${n}`);
      },
    );
    expect(await Promise.all([1, 2, 3].map((n) => batcher.submit(n)))).toEqual(["r1", "r2", "r3"]);
    expect(await batcher.submit(9)).toBe("r9");
    expect(sizes).toEqual([3, 3, 3, 1]);
    expect(await storage.state.get("t", "last")).toEqual(Uint8Array.of(1));
  });

  it("a refused request fails alone: the others commit, its own writes do not", async () => {
    const { storage } = await store();
    const batcher = new TxBatcher<StorageTx, number, number>(
      (fn) => storage.transaction(fn),
      async (tx, n) => {
        await tx.state.put("t", `k${n}`, Uint8Array.of(n));
        if (n === 3) throw new KeywardError("forbidden", "three is refused");
        return n;
      },
    );
    const settled = await Promise.allSettled([1, 2, 3, 4].map((n) => batcher.submit(n)));
    expect(settled.map((s) => s.status)).toEqual(["fulfilled", "fulfilled", "rejected", "fulfilled"]);
    expect((settled[2] as PromiseRejectedResult).reason).toMatchObject({ code: "forbidden" });
    expect(await storage.state.get("t", "k3")).toBeUndefined();
    for (const n of [1, 2, 4]) expect(await storage.state.get("t", `k${n}`)).toEqual(Uint8Array.of(n));
  });
});

describe("Custody.sign under concurrency", () => {
  it("200 concurrent signatures (one identity suspended) verify, and each success is audited exactly once", async () => {
    const t = await store();
    const { custody, audit } = await testCustody(t.storage);
    await custody.createPartition("acme");
    const alice = { partition: "acme", identity: "email:alice@example.com" };
    const bob = { partition: "acme", identity: "email:bob@example.com" };
    await custody.key(bob);
    await custody.suspend(bob);
    await custody.key(alice); // created (and audited) before the measured signatures
    const before = (await audit.verify()).entries;
    const settled = await Promise.allSettled(
      Array.from({ length: 200 }, (_, i) => custody.sign(i % 50 === 7 ? bob : alice, enc.encode(`m${i}`))),
    );
    let ok = 0;
    settled.forEach((s, i) => {
      if (i % 50 === 7) {
        expect(s.status).toBe("rejected");
        expect((s as PromiseRejectedResult).reason).toMatchObject({ code: "suspended" });
        return;
      }
      expect(s.status).toBe("fulfilled");
      const r = (s as PromiseFulfilledResult<{ signature: string; publicKey: string }>).value;
      expect(nodeVerifyEd25519(r.publicKey, enc.encode(`m${i}`), r.signature)).toBe(true);
      ok++;
    });
    expect(ok).toBe(196);
    const after = await audit.verify();
    expect(after.ok).toBe(true);
    expect(after.entries - before).toBe(196);
  });
});
