// NDJSON import: bad lines apply nothing and are reported by line; interrupted imports resume without double-applying.
import { describe, expect, it } from "vitest";
import { openTestSqliteStorage } from "../store/testing.js";
import { DelegationStore } from "./delegation-store.js";
import { ImportRefusedError, importEvents } from "./import-events.js";

const enc = new TextEncoder();
function source(
  text: string,
  chunk = 7,
  failAfter = Number.POSITIVE_INFINITY,
): () => AsyncIterable<Uint8Array> {
  return async function* () {
    const bytes = enc.encode(text);
    for (let i = 0, n = 0; i < bytes.length; i += chunk, n++) {
      if (n >= failAfter) throw new Error("interrupted");
      yield bytes.subarray(i, i + chunk);
    }
  };
}
const lines = (...objs: object[]) => `${objs.map((o) => JSON.stringify(o)).join("\n")}\n`;

const good = lines(
  { op: "grant", delegator: 1234, provider: "A", scopes: [1, 2], at: 100, id: "g1" },
  { op: "revoke", delegator: 1234, provider: "A", scopes: [1], at: 400 },
  { op: "grant", delegator: 1234, provider: "A", scopes: [1], at: 1000, expiresAt: 2000 },
  { op: "grant", delegator: 77, provider: "B", scopes: ["posts"], at: 5 },
  { op: "revoke", delegator: 77, provider: "B", at: 50 },
);

describe("importEvents", () => {
  it("imports, and re-running the same file applies nothing", async () => {
    const t = await openTestSqliteStorage();
    try {
      const store = await DelegationStore.open(t.storage);
      const s = await importEvents(store, { open: source(good) });
      expect(s).toMatchObject({ lines: 5, events: 5, applied: 5, duplicates: 0, resumedAfterLine: 0 });
      expect(store.index.check(1234, "A", 1, 1500)).toEqual({
        authorized: true,
        interval: { from: 1000, until: 2000 },
      });
      expect(store.index.check(1234, "A", 1, 700).authorized).toBe(false);
      const again = await importEvents(store, { open: source(good) });
      expect(again).toMatchObject({ applied: 0, resumedAfterLine: 5 });
      expect(store.index.lastSeq).toBe(5);
    } finally {
      await t.cleanup();
    }
  });

  it("a file with bad lines applies nothing and names every bad line", async () => {
    const t = await openTestSqliteStorage();
    try {
      const store = await DelegationStore.open(t.storage);
      const text = `${good}{"op":"grant","delegator":1,"provider":"A","scopes":[1]}\nnot json\n\n{"op":"grant","delegator":1,"provider":"A","scopes":[1],"at":1,"expires_at":5}\n`;
      const err = await importEvents(store, { open: source(text) }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ImportRefusedError);
      expect((err as ImportRefusedError).errors.map((e) => e.line)).toEqual([6, 7, 9]);
      expect((err as ImportRefusedError).message).toMatch(/^line 6: at must be an integer/);
      expect(store.index.lastSeq).toBe(0);
    } finally {
      await t.cleanup();
    }
  });

  it("an out-of-order event, a revoke of a never-granted scope and a reused id are caught before anything applies", async () => {
    const t = await openTestSqliteStorage();
    try {
      const store = await DelegationStore.open(t.storage);
      const text = `${good}${lines(
        { op: "grant", delegator: 1234, provider: "A", scopes: [1], at: 300 },
        { op: "revoke", delegator: 1234, provider: "A", scopes: [9], at: 3000 },
        { op: "grant", delegator: 5, provider: "A", scopes: [1], at: 1, id: "g1" },
      )}`;
      const err = (await importEvents(store, { open: source(text) }).catch(
        (e: unknown) => e,
      )) as ImportRefusedError;
      expect(err.errors.map((e) => [e.line, e.code])).toEqual([
        [6, "conflict"],
        [7, "not_found"],
        [8, "conflict"],
      ]);
      expect(err.code).toBe("conflict");
      expect(store.index.lastSeq).toBe(0);
    } finally {
      await t.cleanup();
    }
  });

  it("resumes after an interruption without double-applying (events without ids too)", async () => {
    const t = await openTestSqliteStorage();
    try {
      const store = await DelegationStore.open(t.storage);
      const many = lines(
        ...Array.from({ length: 60 }, (_, i) => ({
          op: i % 2 ? "revoke" : "grant",
          delegator: 1,
          provider: "A",
          ...(i % 2 ? {} : { scopes: [1] }),
          at: i,
        })),
      );
      let opened = 0;
      const flaky = () => {
        opened++;
        // Second open = the apply pass (the first checks the file): fail after a few chunks (some batches committed).
        return source(many, 64, opened === 2 ? 12 : Number.POSITIVE_INFINITY)();
      };
      await expect(importEvents(store, { open: flaky, batchSize: 5 })).rejects.toThrow("interrupted");
      const partial = store.index.lastSeq;
      expect(partial).toBeGreaterThan(0);
      expect(partial).toBeLessThan(60);
      const reopened = await DelegationStore.open(t.storage);
      const s = await importEvents(reopened, { open: source(many, 64) });
      expect(s.resumedAfterLine).toBe(partial);
      expect(s.applied).toBe(60 - partial);
      expect(reopened.index.lastSeq).toBe(60);
      expect(reopened.index.history(1, "A", 1)[0]?.intervals).toHaveLength(30);
    } finally {
      await t.cleanup();
    }
  });
});
