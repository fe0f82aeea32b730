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
});
