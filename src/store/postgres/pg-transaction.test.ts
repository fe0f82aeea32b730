// PostgreSQL specifics of transaction locks: shared holders overlap, an exclusive one waits for them (seen in pg_locks).
import pg from "pg";
import { describe, expect, it } from "vitest";
import { openStorage } from "../open.js";
import { openTestPostgresStorage, TEST_PG_URL } from "../testing.js";
import { advisoryLockId } from "../tx-locks.js";

/** Polls pg_locks until a request for advisory lock `id` waits (the lock manager's own view, not a timer). */
async function untilAdvisoryWaiter(client: pg.Client, id: bigint): Promise<void> {
  const u = BigInt.asUintN(64, id);
  for (;;) {
    const r = await client.query(
      "SELECT count(*)::int AS n FROM pg_locks WHERE locktype = 'advisory' AND NOT granted AND classid::bigint = $1 AND objid::bigint = $2 AND objsubid = 1",
      [String(u >> 32n), String(u & 0xffffffffn)],
    );
    if (r.rows[0].n > 0) return;
    await new Promise((resolve) => setImmediate(resolve));
  }
}

describe("postgres transaction locks", () => {
  it("lets shared holders hold one key together and makes an exclusive holder wait for all of them", async () => {
    const t = await openTestPostgresStorage();
    const other = await openStorage({ db: t.dbUrl, unseal: { key: t.key } });
    const watcher = new pg.Client({ connectionString: TEST_PG_URL });
    await watcher.connect();
    const log: string[] = [];
    try {
      let bothHeld!: () => void;
      const held = new Promise<void>((resolve) => {
        bothHeld = resolve;
      });
      let release!: () => void;
      const released = new Promise<void>((resolve) => {
        release = resolve;
      });
      let holders = 0;
      const shared = (store: typeof other, name: string) =>
        store.transaction(async (tx) => {
          await tx.lock("c.pg-lock", "k", "shared");
          if (++holders === 2) bothHeld();
          await held; // each waits until the other also holds the lock: only possible when shared holders overlap
          await released;
          log.push(`${name} done`);
        });
      const a = shared(t.storage, "a");
      const b = shared(other, "b");
      await held;
      const x = other.transaction(async (tx) => {
        await tx.lock("c.pg-lock", "k", "exclusive");
        log.push("exclusive acquired");
      });
      const schema = new URL(t.dbUrl).searchParams.get("schema") ?? "";
      await untilAdvisoryWaiter(watcher, advisoryLockId(schema, "c.pg-lock", "k"));
      log.push("exclusive waiting");
      release();
      await Promise.all([a, b, x]);
      expect(log.indexOf("exclusive waiting")).toBe(0);
      expect(log.indexOf("exclusive acquired")).toBe(3);
    } finally {
      await watcher.end();
      await other.close();
      await t.cleanup();
    }
  });

  it("releases session locks after a COMMIT that succeeded and after one that failed with a serialization error", async () => {
    const t = await openTestPostgresStorage();
    const other = await openStorage({ db: t.dbUrl, unseal: { key: t.key } });
    const watcher = new pg.Client({ connectionString: TEST_PG_URL });
    await watcher.connect();
    try {
      await t.storage.state.put("c.skew", "x", new Uint8Array([0]));
      await t.storage.state.put("c.skew", "y", new Uint8Array([0]));
      let bothRead!: () => void;
      const read = new Promise<void>((resolve) => {
        bothRead = resolve;
      });
      let readers = 0;
      let attempts = 0;
      // Write skew: each reads what the other writes, so SERIALIZABLE fails one of them (at its COMMIT or
      // earlier) and the retry runs it again; each holds a session lock taken before its first read.
      const skew = (store: typeof other, lockKey: string, readKey: string, writeKey: string) =>
        store.transaction(async (tx) => {
          attempts++;
          await tx.lock("c.skew-lock", lockKey, "exclusive");
          await tx.state.get("c.skew", readKey);
          if (++readers === 2) bothRead();
          await read;
          await tx.state.put("c.skew", writeKey, new Uint8Array([1]));
        });
      await Promise.all([skew(t.storage, "a", "x", "y"), skew(other, "b", "y", "x")]);
      expect(attempts).toBeGreaterThan(2);
      const schema = new URL(t.dbUrl).searchParams.get("schema") ?? "";
      for (const key of ["a", "b"]) {
        const u = BigInt.asUintN(64, advisoryLockId(schema, "c.skew-lock", key));
        const r = await watcher.query(
          "SELECT count(*)::int AS n FROM pg_locks WHERE locktype = 'advisory' AND classid::bigint = $1 AND objid::bigint = $2",
          [String(u >> 32n), String(u & 0xffffffffn)],
        );
        expect(r.rows[0].n).toBe(0);
      }
    } finally {
      await watcher.end();
      await other.close();
      await t.cleanup();
    }
  });
});
