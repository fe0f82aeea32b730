// The StateStore contract: one suite every backend must pass (invoked by the backends' *.test.ts files).
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Secret } from "../crypto/secret.js";
import { KeywardError } from "../errors/keyward-error.js";
import { runAppendLogContract } from "./append-log.contract.js";
import { openStorage } from "./open.js";
import type { ScanOptions, Storage } from "./ports.js";
import { RecordTable } from "./records.js";
import type { TestStorage } from "./testing.js";
import { runTxLockContract } from "./tx-locks.contract.js";

const enc = new TextEncoder();
const b = (s: string) => enc.encode(s);
const byteOrder = (x: string, y: string) => Buffer.compare(Buffer.from(x), Buffer.from(y));

async function collect(s: Storage, table: string, o?: ScanOptions): Promise<string[]> {
  const out: string[] = [];
  for await (const e of s.state.scan(table, o)) out.push(e.key);
  return out;
}

// Keys whose UTF-16 order differs from their UTF-8 byte order (U+FFFF vs a surrogate pair), plus combining
// forms: the store must order by bytes on every backend.
const UNICODE_KEYS = ["a", "aa", "ab", "b", "é", "e\u0301", "\uFFFF", "😀", "中", "z", "~", "Z", " "];

/**
 * Runs the StateStore contract against `make` (a fresh, isolated storage per call).
 * @example runStateStoreContract("sqlite", openTestSqliteStorage);
 */
export function runStateStoreContract(label: string, make: () => Promise<TestStorage>): void {
  runTxLockContract(label, make);
  runAppendLogContract(label, make);
  describe(`StateStore contract (${label})`, () => {
    let t: TestStorage;
    let s: Storage;
    beforeAll(async () => {
      t = await make();
      s = t.storage;
    });
    afterAll(async () => t.cleanup());

    it("gets, puts, overwrites and deletes opaque bytes", async () => {
      expect(await s.state.get("c.basic", "k")).toBeUndefined();
      const value = Uint8Array.from({ length: 300 }, (_, i) => i & 0xff);
      await s.state.put("c.basic", "k", value);
      expect(await s.state.get("c.basic", "k")).toEqual(value);
      await s.state.put("c.basic", "k", new Uint8Array(0));
      expect(await s.state.get("c.basic", "k")).toEqual(new Uint8Array(0));
      expect(await s.state.delete("c.basic", "k")).toBe(true);
      expect(await s.state.delete("c.basic", "k")).toBe(false);
      expect(await s.state.get("c.basic", "k")).toBeUndefined();
    });

    it("insert creates only when absent and never overwrites", async () => {
      expect(await s.state.insert("c.ins", "tok", b("first"))).toBe(true);
      expect(await s.state.insert("c.ins", "tok", b("second"))).toBe(false);
      expect(await s.state.get("c.ins", "tok")).toEqual(b("first"));
    });

    it("getMany and insertMany: many keys at once, create-only, in order, atomic in a transaction", async () => {
      const entries = Array.from({ length: 700 }, (_, i) => ({
        key: `k${String(i).padStart(4, "0")}`,
        value: b(`v${i}`),
      }));
      await s.state.put("c.many", "k0003", b("kept"));
      expect(await s.state.insertMany("c.many", entries)).toBe(699);
      expect(await s.state.insertMany("c.many", [])).toBe(0);
      const keys = ["k0003", "nope", "k0699", "k0000", "k0003"];
      const got = await s.state.getMany("c.many", keys);
      expect(got).toEqual([b("kept"), undefined, b("v699"), b("v0"), b("kept")]);
      expect(await s.state.getMany("c.many", [])).toEqual([]);
      expect((await collect(s, "c.many")).length).toBe(700);
      await expect(
        s.transaction(async (tx) => {
          expect(await tx.state.insertMany("c.many2", entries.slice(0, 300))).toBe(300);
          expect((await tx.state.getMany("c.many2", ["k0299"]))[0]).toEqual(b("v299"));
          throw new Error("abort");
        }),
      ).rejects.toThrow("abort");
      expect(await s.state.getMany("c.many2", ["k0000", "k0299"])).toEqual([undefined, undefined]);
      await expect(s.state.insertMany("c.many", [{ key: "a\u0000", value: b("x") }])).rejects.toThrow(
        RangeError,
      );
      await expect(s.state.getMany("c.many", ["ok", "\u0000"])).rejects.toThrow(RangeError);
    });

    it("keeps tables apart", async () => {
      await s.state.put("c.t1", "k", b("1"));
      await s.state.put("c.t2", "k", b("2"));
      expect(await s.state.get("c.t1", "k")).toEqual(b("1"));
      expect(await collect(s, "c.t2")).toEqual(["k"]);
    });

    it("rejects malformed tables and keys at the boundary", async () => {
      await expect(s.state.put("", "k", b("x"))).rejects.toBeInstanceOf(RangeError);
      await expect(s.state.put("c.bad", "a\u0000b", b("x"))).rejects.toBeInstanceOf(RangeError);
      await expect(s.state.get("c.bad", "\uD800")).rejects.toBeInstanceOf(RangeError);
      await expect(s.state.put("c.bad", "x".repeat(1025), b("x"))).rejects.toBeInstanceOf(RangeError);
      await expect(s.state.get("c.bad", 7 as unknown as string)).rejects.toBeInstanceOf(TypeError);
    });

    it("scans in UTF-8 byte order with prefix, ranges, reverse and limit", async () => {
      await s.transaction(async (tx) => {
        for (const k of UNICODE_KEYS) await tx.state.put("c.order", k, b(k));
      });
      const sorted = [...UNICODE_KEYS].sort(byteOrder);
      expect(await collect(s, "c.order")).toEqual(sorted);
      expect(await collect(s, "c.order", { reverse: true })).toEqual([...sorted].reverse());
      expect(await collect(s, "c.order", { prefix: "a" })).toEqual(["a", "aa", "ab"]);
      expect(await collect(s, "c.order", { prefix: "a", reverse: true, limit: 2 })).toEqual(["ab", "aa"]);
      expect(await collect(s, "c.order", { gte: "aa", lt: "b" })).toEqual(["aa", "ab"]);
      expect(await collect(s, "c.order", { gt: "aa", lte: "b" })).toEqual(["ab", "b"]);
      expect(await collect(s, "c.order", { gt: "z" })).toEqual(sorted.filter((k) => byteOrder(k, "z") > 0));
      expect(await collect(s, "c.order", { limit: 0 })).toEqual([]);
      const values: string[] = [];
      for await (const e of s.state.scan("c.order", { prefix: "中" }))
        values.push(new TextDecoder().decode(e.value));
      expect(values).toEqual(["中"]);
    });

    it("streams scans larger than one backend batch, forward and reverse", async () => {
      const keys = Array.from({ length: 2345 }, (_, i) => `k${String(i).padStart(5, "0")}`);
      await s.transaction(async (tx) => {
        for (const k of keys) await tx.state.put("c.big", k, b(k));
      });
      expect(await collect(s, "c.big")).toEqual(keys);
      expect(await collect(s, "c.big", { reverse: true, limit: 1500 })).toEqual(
        [...keys].reverse().slice(0, 1500),
      );
      expect(await collect(s, "c.big", { gt: "k00999", limit: 1001 })).toEqual(keys.slice(1000, 2001));
    });

    it("commits multi-write transactions across state and secrets, and rolls all of them back on error", async () => {
      await s.transaction(async (tx) => {
        await tx.state.put("c.tx", "a", b("1"));
        await tx.secrets.put("c.tx", "s", Secret.from(b("sec-1")));
        expect(await tx.state.get("c.tx", "a")).toEqual(b("1"));
      });
      const boom = new Error("boom");
      await expect(
        s.transaction(async (tx) => {
          await tx.state.put("c.tx", "a", b("2"));
          await tx.state.put("c.tx", "b", b("2"));
          await tx.state.delete("c.tx", "a");
          await tx.secrets.put("c.tx", "s", Secret.from(b("sec-2")));
          await tx.secrets.put("c.tx", "s2", Secret.from(b("sec-2")));
          throw boom;
        }),
      ).rejects.toBe(boom);
      expect(await s.state.get("c.tx", "a")).toEqual(b("1"));
      expect(await s.state.get("c.tx", "b")).toBeUndefined();
      expect((await s.secrets.get("c.tx", "s"))?.expose()).toEqual(b("sec-1"));
      expect(await s.secrets.has("c.tx", "s2")).toBe(false);
      expect(await s.transaction(async () => 42)).toBe(42);
    });

    it("refuses auto-commit calls and nested transactions inside a transaction (instead of deadlocking)", async () => {
      const inner = s.transaction(async () => s.state.get("c.tx", "a"));
      await expect(inner).rejects.toMatchObject({ code: "internal" });
      const nested = s.transaction(async () => s.transaction(async () => 1));
      await expect(nested).rejects.toBeInstanceOf(KeywardError);
      expect(await s.state.get("c.tx", "a")).toEqual(b("1"));
    });

    it("grants a contested insert to exactly one caller, also across two open instances", async () => {
      const other = await openStorage({ db: t.dbUrl, unseal: { key: t.key } });
      try {
        const attempts = Array.from({ length: 40 }, (_, i) => {
          const store = i % 2 ? other : s;
          return i % 4 < 2
            ? store.state.insert("c.race", "token", b(String(i)))
            : store.transaction((tx) => tx.state.insert("c.race", "token", b(String(i))));
        });
        const results = await Promise.all(attempts);
        expect(results.filter(Boolean)).toHaveLength(1);
        const winner = results.indexOf(true);
        expect(await other.state.get("c.race", "token")).toEqual(b(String(winner)));
      } finally {
        await other.close();
      }
    });

    it("RecordTable refuses a record that holds a Secret and round-trips plain records", async () => {
      const table = new RecordTable<{ name: string; key?: unknown }>("c.records");
      await table.put(s.state, "ok", { name: "plain" });
      expect(await table.get(s.state, "ok")).toEqual({ name: "plain" });
      const leaky = { name: "x", key: { nested: [Secret.from(b("never-stored"))] } };
      await expect(table.put(s.state, "bad", leaky)).rejects.toThrow(/refusing to write a Secret/);
      await expect(s.transaction(async (tx) => table.insert(tx.state, "bad", leaky))).rejects.toThrow(
        KeywardError,
      );
      expect(await s.state.get("c.records", "bad")).toBeUndefined();
    });

    it("scans agree with a sorted-array model (property test)", async () => {
      const keyArb = fc
        .stringMatching(/^[ab\u00e9\u4e2d\uffff]{0,3}$/)
        .chain((k) => fc.constantFrom(k, `${k}😀`));
      const opArb = fc.oneof(
        fc.record({ op: fc.constant("put" as const), key: keyArb }),
        fc.record({ op: fc.constant("del" as const), key: keyArb }),
      );
      const scanArb = fc.record(
        {
          prefix: keyArb,
          gte: keyArb,
          gt: keyArb,
          lt: keyArb,
          lte: keyArb,
          limit: fc.integer({ min: 0, max: 6 }),
          reverse: fc.boolean(),
        },
        { requiredKeys: [] },
      );
      let run = 0;
      await fc.assert(
        fc.asyncProperty(fc.array(opArb, { maxLength: 25 }), scanArb, async (ops, scan) => {
          const table = `c.prop.${run++}`;
          const model = new Map<string, string>();
          await s.transaction(async (tx) => {
            for (const { op, key } of ops) {
              if (op === "put") {
                await tx.state.put(table, key, b(key));
                model.set(key, key);
              } else {
                expect(await tx.state.delete(table, key)).toBe(model.delete(key));
              }
            }
          });
          let expected = [...model.keys()]
            .filter(
              (k) =>
                !scan.prefix ||
                Buffer.from(k).subarray(0, Buffer.byteLength(scan.prefix)).equals(Buffer.from(scan.prefix)),
            )
            .filter((k) => scan.gte === undefined || byteOrder(k, scan.gte) >= 0)
            .filter((k) => scan.gt === undefined || byteOrder(k, scan.gt) > 0)
            .filter((k) => scan.lt === undefined || byteOrder(k, scan.lt) < 0)
            .filter((k) => scan.lte === undefined || byteOrder(k, scan.lte) <= 0)
            .sort(byteOrder);
          if (scan.reverse) expected.reverse();
          if (scan.limit !== undefined) expected = expected.slice(0, scan.limit);
          expect(await collect(s, table, scan)).toEqual(expected);
        }),
        { numRuns: 60 },
      );
    });
  });
}
