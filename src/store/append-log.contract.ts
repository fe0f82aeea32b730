// The append-only log contract: one suite every backend must pass (run by runStateStoreContract).
import { afterEach, describe, expect, it } from "vitest";
import { openStorage } from "./open.js";
import type { LogRow, LogScanOptions, Storage } from "./ports.js";
import type { TestStorage } from "./testing.js";

const enc = new TextEncoder();
const row = (seq: number, text = `row ${seq}`): LogRow => ({ seq, value: enc.encode(text) });
const rows = (from: number, to: number): LogRow[] =>
  Array.from({ length: to - from + 1 }, (_, i) => row(from + i));

async function seqs(s: Storage, options?: LogScanOptions): Promise<number[]> {
  const out: number[] = [];
  for await (const r of s.log.scan(options)) out.push(r.seq);
  return out;
}

const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

/**
 * Runs the append-only log contract against `make` (a fresh, isolated storage per test: the log is one per
 * store).
 * @example runAppendLogContract("sqlite", openTestSqliteStorage);
 */
export function runAppendLogContract(label: string, make: () => Promise<TestStorage>): void {
  describe(`append-only log contract (${label})`, () => {
    const open: TestStorage[] = [];
    const fresh = async () => {
      const t = await make();
      open.push(t);
      return t.storage;
    };
    afterEach(async () => {
      for (const t of open.splice(0)) await t.cleanup();
    });

    it("starts empty; appends create-only, in one transaction, and read back by seq, last and scan", async () => {
      const s = await fresh();
      expect(await s.log.last()).toBeUndefined();
      expect(await s.log.get(1)).toBeUndefined();
      expect(await seqs(s)).toEqual([]);
      const empty: LogRow = { seq: 3, value: new Uint8Array(0) };
      expect(await s.transaction((tx) => tx.log.append([row(1), row(2), empty]))).toBe(3);
      expect(await s.log.get(2)).toEqual(enc.encode("row 2"));
      expect(await s.log.get(3)).toEqual(new Uint8Array(0));
      expect(await s.log.last()).toEqual(empty);
      // A taken number is left as it is and not counted (the caller's lost race), the others are created.
      expect(await s.transaction((tx) => tx.log.append([row(2, "other"), row(4)]))).toBe(1);
      expect(await s.log.get(2)).toEqual(enc.encode("row 2"));
      expect(await s.transaction((tx) => tx.log.append([]))).toBe(0);
      expect(await seqs(s)).toEqual([1, 2, 3, 4]);
      const scanned: LogRow[] = [];
      for await (const r of s.log.scan({ from: 4 })) scanned.push(r);
      expect(scanned).toEqual([row(4)]);
    });

    it("a transaction sees its own appends; a rollback leaves none and the last row as it was", async () => {
      const s = await fresh();
      await s.transaction((tx) => tx.log.append(rows(1, 2)));
      await expect(
        s.transaction(async (tx) => {
          expect(await tx.log.last()).toEqual(row(2));
          await tx.log.append([row(3)]);
          expect(await tx.log.last()).toEqual(row(3));
          expect(await tx.log.get(3)).toEqual(row(3).value);
          throw new Error("operation failed");
        }),
      ).rejects.toThrow("operation failed");
      expect(await s.log.get(3)).toBeUndefined();
      expect(await s.transaction((tx) => tx.log.last())).toEqual(row(2));
      expect(await s.log.last()).toEqual(row(2));
    });

    it("a row appended out of order is not the last; a batch larger than one statement is counted whole", async () => {
      const s = await fresh();
      await s.transaction(async (tx) => {
        await tx.log.append([row(10)]);
        await tx.log.append([row(5)]);
        expect(await tx.log.last()).toEqual(row(10));
      });
      expect(await s.transaction((tx) => tx.log.append(rows(11, 310)))).toBe(300);
      expect(await s.transaction((tx) => tx.log.last())).toEqual(row(310));
      expect((await seqs(s)).length).toBe(302);
    });

    it("scans by inclusive bounds, with limit and reverse, across several pages", async () => {
      const s = await fresh();
      await s.transaction((tx) => tx.log.append(rows(1, 2100)));
      expect(await seqs(s)).toEqual(range(1, 2100));
      expect(await seqs(s, { reverse: true })).toEqual(range(1, 2100).reverse());
      expect(await seqs(s, { from: 999, to: 1002 })).toEqual([999, 1000, 1001, 1002]);
      expect(await seqs(s, { from: 5, limit: 3 })).toEqual([5, 6, 7]);
      expect(await seqs(s, { to: 1500, reverse: true, limit: 1001 })).toEqual(range(500, 1500).reverse());
      expect(await seqs(s, { from: 2000, to: 1999 })).toEqual([]);
      expect(await seqs(s, { limit: 0 })).toEqual([]);
    });

    it("sees the rows another open instance on the same database appended", async () => {
      const t = await make();
      open.push(t);
      const other = await openStorage({ db: t.dbUrl, unseal: { key: t.key } });
      try {
        await t.storage.transaction(async (tx) => {
          expect(await tx.log.last()).toBeUndefined();
          await tx.log.append([row(1)]);
        });
        expect(await other.transaction((tx) => tx.log.last())).toEqual(row(1));
        await other.transaction((tx) => tx.log.append([row(2)]));
        expect(await t.storage.transaction((tx) => tx.log.last())).toEqual(row(2));
        expect(await t.storage.log.last()).toEqual(row(2));
      } finally {
        await other.close();
      }
    });

    it("checks arguments before any statement; the auto-commit side has no append", async () => {
      const s = await fresh();
      await s.transaction(async (tx) => {
        await expect(tx.log.append([row(0)])).rejects.toThrow(RangeError);
        await expect(tx.log.append([{ seq: 1.5, value: new Uint8Array(1) }])).rejects.toThrow(TypeError);
        await expect(tx.log.append([{ seq: 1, value: "x" as unknown as Uint8Array }])).rejects.toThrow(
          /rows\[0\]\.value/,
        );
        await expect(tx.log.append({} as unknown as LogRow[])).rejects.toThrow(TypeError);
      });
      await expect(s.log.get(0)).rejects.toThrow(RangeError);
      await expect(seqs(s, { from: -1 })).rejects.toThrow(/options.from/);
      await expect(seqs(s, { limit: 1.5 })).rejects.toThrow(TypeError);
      expect("append" in s.log).toBe(false);
      expect(await s.log.last()).toBeUndefined();
    });
  });
}
