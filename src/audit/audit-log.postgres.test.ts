// Audit chain on the real PostgreSQL server: concurrent appenders in two instances never fork the chain.
import pg from "pg";
import { afterEach, describe, expect, it } from "vitest";
import { openStorage } from "../store/open.js";
import { openTestPostgresStorage, TEST_PG_URL, type TestStorage } from "../store/testing.js";
import { AuditLog } from "./audit-log.js";

const stores: TestStorage[] = [];
afterEach(async () => {
  for (const t of stores.splice(0)) await t.cleanup();
});

describe("AuditLog on Postgres", () => {
  it("30 concurrent appends from two instances form one gap-free chain (never a fork)", async () => {
    const t = await openTestPostgresStorage();
    stores.push(t);
    const other = await openStorage({ db: t.dbUrl, unseal: { key: t.key } });
    try {
      const [a, b] = await Promise.all([AuditLog.open(t.storage), AuditLog.open(other)]);
      const results = await Promise.allSettled(
        Array.from({ length: 30 }, (_, i) =>
          (i % 2 ? other : t.storage).transaction((tx) =>
            (i % 2 ? b : a).append(tx, { kind: "test.concurrent", subject: String(i) }),
          ),
        ),
      );
      // Under heavy contention the backend may give up on a SERIALIZABLE transaction after its retries: that
      // append is rolled back whole (the caller sees the error) and never leaves a gap or a second branch.
      for (const r of results)
        if (r.status === "rejected") expect((r.reason as { code?: string }).code).toBe("40001");
      const seqs = results
        .flatMap((r) => (r.status === "fulfilled" ? [r.value.seq] : []))
        .sort((x, y) => x - y);
      expect(seqs.length).toBeGreaterThan(0);
      expect(seqs).toEqual(Array.from({ length: seqs.length }, (_, i) => i + 1));
      expect(await a.verify()).toEqual({ ok: true, entries: seqs.length });
      // Someone with database access removes the first entry.
      const schema = new URL(t.dbUrl).searchParams.get("schema")!;
      const client = new pg.Client({ connectionString: TEST_PG_URL, options: `-c search_path=${schema}` });
      await client.connect();
      await client.query("DELETE FROM kw_log WHERE seq = 1").finally(() => client.end());
      expect(await b.verify()).toMatchObject({ ok: false, firstBadSeq: 1 });
    } finally {
      await other.close();
    }
  });
});
