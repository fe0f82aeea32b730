// The named-lock contract of StorageTx (`tx.lock`): one suite every backend passes, run by the StateStore contract.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openStorage } from "./open.js";
import type { Storage } from "./ports.js";
import type { TestStorage } from "./testing.js";

const enc = new TextEncoder();
const dec = new TextDecoder();
const yieldNow = () => new Promise((resolve) => setImmediate(resolve));

/**
 * Runs the lock contract against `make` (a fresh, isolated storage per call); a second instance is opened on
 * the same database, as two servers sharing it would.
 * @example runTxLockContract("sqlite", openTestSqliteStorage);
 */
export function runTxLockContract(label: string, make: () => Promise<TestStorage>): void {
  describe(`transaction locks (${label})`, () => {
    let t: TestStorage;
    let s: Storage;
    let other: Storage;
    beforeAll(async () => {
      t = await make();
      s = t.storage;
      other = await openStorage({ db: t.dbUrl, unseal: { key: t.key } });
    });
    afterAll(async () => {
      await other.close();
      await t.cleanup();
    });

    it("exclusive holders run one after another: no lost update and no retry when the lock comes first", async () => {
      let runs = 0;
      const increments = Array.from({ length: 16 }, (_, i) =>
        (i % 2 ? other : s).transaction(async (tx) => {
          runs++;
          await tx.lock("c.lock", "counter", "exclusive");
          const v = Number(dec.decode((await tx.state.get("c.lock", "counter")) ?? enc.encode("0")));
          await yieldNow();
          await tx.state.put("c.lock", "counter", enc.encode(String(v + 1)));
        }),
      );
      await Promise.all(increments);
      expect(dec.decode(await s.state.get("c.lock", "counter"))).toBe("16");
      expect(runs).toBe(16);
    });

    it("an exclusive holder sees every earlier shared holder's write, and later ones see its seal", async () => {
      // The delegate-migration shape: writers (shared) write unless sealed; the sealer (exclusive) lists and seals.
      let listed: string[] = [];
      const write = (store: Storage, i: number) =>
        store.transaction(async (tx) => {
          await tx.lock("c.seal", "d1", "shared");
          if (await tx.state.get("c.seal-marker", "d1")) return false;
          await tx.state.put("c.seal-rows", `w${String(i).padStart(2, "0")}`, enc.encode("1"));
          return true;
        });
      const seal = other.transaction(async (tx) => {
        await tx.lock("c.seal", ["d1", "d2"], "exclusive");
        listed = [];
        for await (const e of tx.state.scan("c.seal-rows")) listed.push(e.key);
        await tx.state.put("c.seal-marker", "d1", enc.encode("sealed"));
      });
      const wrote = await Promise.all([
        ...Array.from({ length: 12 }, (_, i) => write(i % 2 ? other : s, i)),
        seal.then(() => undefined),
        ...Array.from({ length: 12 }, (_, i) => write(i % 2 ? s : other, 12 + i)),
      ]);
      const rows: string[] = [];
      for await (const e of s.state.scan("c.seal-rows")) rows.push(e.key);
      // Nothing was written after the seal, and every acknowledged write was seen by the sealer.
      expect(rows).toEqual(listed);
      expect(wrote.filter((w) => w === true)).toHaveLength(rows.length);
      expect(await write(s, 99)).toBe(false);
    });

    it("releases locks when the transaction rolls back (also on pooled connections reused afterwards)", async () => {
      for (let i = 0; i < 12; i++)
        await expect(
          s.transaction(async (tx) => {
            await tx.lock("c.rollback", ["a", "b"], i % 2 ? "shared" : "exclusive");
            throw new Error("rolled back");
          }),
        ).rejects.toThrow("rolled back");
      const out = await other.transaction(async (tx) => {
        await tx.lock("c.rollback", ["b", "a"], "exclusive");
        return "free";
      });
      expect(out).toBe("free");
      // A lock taken after a read (not first) is held to the end of the transaction as well.
      await s.transaction(async (tx) => {
        await tx.state.get("c.rollback", "x");
        await tx.lock("c.rollback", "a", "exclusive");
        await tx.state.put("c.rollback", "x", enc.encode("1"));
      });
      expect(await other.transaction(async (tx) => tx.lock("c.rollback", "a", "exclusive"))).toBeUndefined();
    });

    it("checks its arguments at the boundary, naming the parameter", async () => {
      const call = (scope: unknown, keys: unknown, mode: unknown) =>
        s.transaction(async (tx) => tx.lock(scope as string, keys as string, mode as "shared"));
      await expect(call(1, "k", "shared")).rejects.toThrow(TypeError);
      await expect(call("c.x", 5, "shared")).rejects.toThrow(/keys must/);
      await expect(call("c.x", [], "shared")).rejects.toThrow(RangeError);
      await expect(call("c.x", ["ok", "a\u0000b"], "shared")).rejects.toThrow(/key must not contain/);
      await expect(call("c.x", "k", "write")).rejects.toThrow(/mode must be/);
      await expect(
        call(
          "c.x",
          Array.from({ length: 65 }, (_, i) => `k${i}`),
          "shared",
        ),
      ).rejects.toThrow(RangeError);
    });
  });
}
