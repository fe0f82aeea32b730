// SQLite's cached log tail: a commit by another connection (another process, or a raw connection here) is seen.
import Database from "better-sqlite3";
import { afterEach, describe, expect, it } from "vitest";
import type { LogRow } from "../ports.js";
import { openTestSqliteStorage, type TestStorage } from "../testing.js";

const enc = new TextEncoder();
const row = (seq: number, text = `row ${seq}`): LogRow => ({ seq, value: enc.encode(text) });

const open: TestStorage[] = [];
afterEach(async () => {
  for (const t of open.splice(0)) await t.cleanup();
});

/** Runs `sql` on a connection of its own to the store's file (what another process would do). */
function elsewhere(t: TestStorage, sql: string, ...args: unknown[]): void {
  const db = new Database(t.dbUrl.slice("sqlite:".length));
  try {
    db.prepare(sql).run(...args);
  } finally {
    db.close();
  }
}

describe("SQLite log tail", () => {
  it("a transaction's last() sees rows another connection appended, changed or removed since", async () => {
    const t = await openTestSqliteStorage();
    open.push(t);
    const s = t.storage;
    const last = () => s.transaction((tx) => tx.log.last());
    await s.transaction((tx) => tx.log.append([row(1), row(2)]));
    expect(await last()).toEqual(row(2));
    expect(await last()).toEqual(row(2));
    elsewhere(t, "INSERT INTO kw_log (seq, value) VALUES (?, ?)", 3, Buffer.from("from another process"));
    expect(await last()).toEqual(row(3, "from another process"));
    elsewhere(t, "DELETE FROM kw_log WHERE seq = 3");
    expect(await last()).toEqual(row(2));
    elsewhere(t, "UPDATE kw_log SET value = ? WHERE seq = 2", Buffer.from("changed"));
    expect(await last()).toEqual(row(2, "changed"));
    // Its own append is the new tail; an append that lost a race leaves the tail to a fresh read.
    await s.transaction(async (tx) => {
      expect(await tx.log.last()).toEqual(row(2, "changed"));
      expect(await tx.log.append([row(3)])).toBe(1);
    });
    expect(await last()).toEqual(row(3));
    elsewhere(t, "INSERT INTO kw_log (seq, value) VALUES (?, ?)", 4, Buffer.from("theirs"));
    await s.transaction(async (tx) => {
      expect(await tx.log.append([row(4), row(5)])).toBe(1);
      expect(await tx.log.last()).toEqual(row(5));
    });
    expect(await last()).toEqual(row(5));
    expect(await s.log.get(4)).toEqual(enc.encode("theirs"));
  });

  it("a returned row is the caller's copy: changing it changes neither the cache nor the store", async () => {
    const t = await openTestSqliteStorage();
    open.push(t);
    const s = t.storage;
    const mine = row(1);
    await s.transaction(async (tx) => {
      await tx.log.last();
      await tx.log.append([mine]);
    });
    mine.value.fill(0);
    const got = (await s.transaction((tx) => tx.log.last()))!;
    expect(got).toEqual(row(1));
    got.value.fill(0);
    expect(await s.transaction((tx) => tx.log.last())).toEqual(row(1));
  });
});
