// Group commit of SQLite auto-commit writes: concurrent writers share commits, every acknowledged write is
// durable (visible to a fresh connection), and one failing write fails alone.
import Database from "better-sqlite3";
import { afterEach, describe, expect, it } from "vitest";
import { Secret } from "../../crypto/secret.js";
import { openTestSqliteStorage, type TestStorage } from "../testing.js";

const opened: TestStorage[] = [];
afterEach(async () => {
  await Promise.all(opened.splice(0).map((t) => t.cleanup()));
});
const enc = new TextEncoder();

async function open(): Promise<TestStorage> {
  const t = await openTestSqliteStorage();
  opened.push(t);
  return t;
}

/** Rows of kw_state in `table`, read through a second, independent connection (committed data only). */
function committedRows(t: TestStorage, table: string): number {
  const db = new Database(t.dbUrl.slice("sqlite:".length), { readonly: true });
  try {
    return (db.prepare("SELECT COUNT(*) AS n FROM kw_state WHERE tbl = ?").get(table) as { n: number }).n;
  } finally {
    db.close();
  }
}

describe("SQLite group commit", () => {
  it("500 concurrent writes and inserts all land, each answered after its commit", async () => {
    const t = await open();
    const writes = Array.from({ length: 500 }, (_, i) =>
      i % 2 === 0
        ? t.storage.state.put("gc", `k${i}`, enc.encode(String(i))).then(() => true)
        : t.storage.state.insert("gc", `k${i}`, enc.encode(String(i))),
    );
    // Each acknowledged write is already committed when its promise settles.
    const first = await writes[0]!;
    expect(first).toBe(true);
    expect(committedRows(t, "gc")).toBeGreaterThan(0);
    expect(await Promise.all(writes)).toEqual(writes.map(() => true));
    expect(committedRows(t, "gc")).toBe(500);
    // A second insert of an existing key is refused (create-only), also inside a batch.
    const again = await Promise.all(
      [0, 1, 2].map((i) => t.storage.state.insert("gc", `k${i}`, enc.encode("x"))),
    );
    expect(again).toEqual([false, false, false]);
  });

  it("a write that fails inside a batch fails alone; the others commit", async () => {
    const t = await open();
    const bad = { not: "bytes" } as unknown as Uint8Array; // better-sqlite3 refuses to bind an object
    const results = await Promise.allSettled([
      t.storage.state.put("gc", "a", enc.encode("1")),
      t.storage.state.put("gc", "bad", bad),
      t.storage.state.put("gc", "b", enc.encode("2")),
      t.storage.secrets.put("gc", "s", Secret.from(new Uint8Array(32).fill(7))),
    ]);
    expect(results.map((r) => r.status)).toEqual(["fulfilled", "rejected", "fulfilled", "fulfilled"]);
    expect(committedRows(t, "gc")).toBe(2);
    expect((await t.storage.secrets.get("gc", "s"))?.expose()[0]).toBe(7);
    expect(await t.storage.state.get("gc", "bad")).toBeUndefined();
  });

  it("writes queued behind a transaction commit after it, in order, and reads see them", async () => {
    const t = await open();
    let release!: () => void;
    const gate = new Promise<void>((r) => {
      release = r;
    });
    const tx = t.storage.transaction(async (x) => {
      await x.state.put("gc", "k", enc.encode("tx"));
      await gate;
    });
    const later = [
      t.storage.state.put("gc", "k", enc.encode("w1")),
      t.storage.state.put("gc", "k", enc.encode("w2")),
    ];
    release();
    await tx;
    await Promise.all(later);
    expect(new TextDecoder().decode(await t.storage.state.get("gc", "k"))).toBe("w2");
  });
});
