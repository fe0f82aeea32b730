// Delegation store: durable writes, id idempotence, rebuild after reopen, and two instances over one Postgres schema.
import { describe, expect, it } from "vitest";
import { openStorage } from "../store/open.js";
import { openTestPostgresStorage, openTestSqliteStorage } from "../store/testing.js";
import type { DelegationIndex } from "./delegation-index.js";
import { BatchRefusedError, DelegationStore } from "./delegation-store.js";

const g = (delegator: number, scopes: number[], at: number, extra: object = {}) => ({
  op: "grant",
  delegator,
  provider: "A",
  scopes,
  at,
  ...extra,
});
const r = (delegator: number, at: number, extra: object = {}) => ({
  op: "revoke",
  delegator,
  provider: "A",
  at,
  ...extra,
});

function answers(index: DelegationIndex): boolean[] {
  const out: boolean[] = [];
  for (let d = 0; d < 20; d++)
    for (let s = 0; s < 3; s++)
      for (let at = 0; at < 60; at += 3) out.push(index.check(d, "A", s, at).authorized);
  return out;
}

describe("DelegationStore on SQLite", () => {
  it("logs events gap-free, treats a replayed id as a no-op and refuses an id reused for another event", async () => {
    const t = await openTestSqliteStorage();
    try {
      const store = await DelegationStore.open(t.storage);
      expect(await store.write([g(1, [0], 10, { id: "e1" }), r(1, 20, { id: "e2" })])).toEqual([
        { status: "applied", seq: 1 },
        { status: "applied", seq: 2 },
      ]);
      expect(await store.write([g(1, [0], 10, { id: "e1" })])).toEqual([{ status: "duplicate", seq: 1 }]);
      await expect(store.write([g(1, [0], 30, { id: "e1" })])).rejects.toMatchObject({ code: "conflict" });
      expect(store.index.lastSeq).toBe(2);
    } finally {
      await t.cleanup();
    }
  });

  it("a refused event writes nothing of its batch and names its position", async () => {
    const t = await openTestSqliteStorage();
    try {
      const store = await DelegationStore.open(t.storage);
      await store.write([g(1, [0], 50)]);
      const err = await store.write([g(2, [0], 10), g(1, [0], 40)]).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(BatchRefusedError);
      expect(err).toMatchObject({ code: "conflict", index: 1 });
      expect(store.index.lastSeq).toBe(1);
      expect(store.index.check(2, "A", 0, 20).authorized).toBe(false);
      const reopened = await DelegationStore.open(t.storage);
      expect(reopened.index.lastSeq).toBe(1);
    } finally {
      await t.cleanup();
    }
  });

  it("rebuild from a reopened store gives identical answers", async () => {
    const t = await openTestSqliteStorage();
    try {
      const store = await DelegationStore.open(t.storage);
      const events: object[] = [];
      for (let d = 0; d < 20; d++) {
        events.push(g(d, [0, 1], d, d % 3 === 0 ? { expiresAt: d + 25 } : {}));
        if (d % 2 === 0) events.push(r(d, d + 10, { scopes: [1] }));
        if (d % 4 === 0) events.push(g(d, [1], d + 30), r(d, d + 40));
      }
      await store.write(events.slice(0, 20));
      for (const e of events.slice(20)) await store.write([e]);
      const before = answers(store.index);
      await t.storage.close();
      const storage = await openStorage({ db: t.dbUrl, unseal: { key: t.key } });
      try {
        const again = await DelegationStore.open(storage);
        expect(answers(again.index)).toEqual(before);
        expect(again.index.lastSeq).toBe(events.length);
        expect(again.index.history(0, "A")).toEqual(store.index.history(0, "A"));
      } finally {
        await storage.close();
      }
    } finally {
      await t.cleanup();
    }
  });

  it("concurrent writers in one process serialise without gaps", async () => {
    const t = await openTestSqliteStorage();
    try {
      const store = await DelegationStore.open(t.storage);
      await Promise.all(Array.from({ length: 20 }, (_, d) => store.write([g(d, [0], 5)])));
      expect(store.index.lastSeq).toBe(20);
      const again = await DelegationStore.open(t.storage);
      expect(answers(again.index)).toEqual(answers(store.index));
    } finally {
      await t.cleanup();
    }
  });
});

describe("DelegationStore on Postgres: two instances over one schema", () => {
  it("a write through one is seen by the other after sync(); racing writers both land, gap-free", async () => {
    const t = await openTestPostgresStorage();
    const other = await openStorage({ db: t.dbUrl, unseal: { key: t.key } });
    try {
      const a = await DelegationStore.open(t.storage);
      const b = await DelegationStore.open(other);
      await a.write([g(1, [0], 10)]);
      expect(b.index.check(1, "A", 0, 15).authorized).toBe(false);
      expect(await b.sync()).toBe(1);
      expect(b.index.check(1, "A", 0, 15).authorized).toBe(true);
      // Both instances race for the next sequence numbers: every write lands exactly once.
      await Promise.all([
        ...Array.from({ length: 8 }, (_, i) => a.write([g(100 + i, [0], 1)])),
        ...Array.from({ length: 8 }, (_, i) => b.write([g(200 + i, [0], 1)])),
      ]);
      await a.sync();
      await b.sync();
      expect(a.index.lastSeq).toBe(17);
      expect(b.index.lastSeq).toBe(17);
      // b's view is stale for a's conflicting write: its write must still be refused after catching up.
      await a.write([r(1, 50)]);
      await expect(b.write([g(1, [0], 40)])).rejects.toMatchObject({ code: "conflict" });
      expect(b.index.check(1, "A", 0, 60).authorized).toBe(false);
      for (const d of [1, 100, 107, 200, 207])
        expect(b.index.history(d, "A")).toEqual(a.index.history(d, "A"));
    } finally {
      await other.close();
      await t.cleanup();
    }
  });
});
