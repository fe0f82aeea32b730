// Audit chain on the real PostgreSQL server: concurrent appenders in two instances never fork the chain.
import { afterEach, describe, expect, it } from "vitest";
import { openStorage } from "../store/open.js";
import { openTestPostgresStorage, type TestStorage } from "../store/testing.js";
import { AuditLog } from "./audit-log.js";
import { ENTRY_TABLE, seqKey } from "./entry.js";

const stores: TestStorage[] = [];
afterEach(async () => {
  for (const t of stores.splice(0)) await t.cleanup();
});

describe("AuditLog on Postgres", () => {
  it("40 concurrent appends from two instances form one gap-free chain", async () => {
    const t = await openTestPostgresStorage();
    stores.push(t);
    const other = await openStorage({ db: t.dbUrl, unseal: { key: t.key } });
    try {
      const [a, b] = await Promise.all([AuditLog.open(t.storage), AuditLog.open(other)]);
      const results = await Promise.allSettled(
        Array.from({ length: 40 }, (_, i) =>
          (i % 2 ? other : t.storage).transaction((tx) =>
            (i % 2 ? b : a).append(tx, { kind: "test.concurrent", subject: String(i) }),
          ),
        ),
      );
      expect(results.filter((r) => r.status === "rejected")).toEqual([]);
      const seqs = results.map((r) => (r.status === "fulfilled" ? r.value.seq : 0)).sort((x, y) => x - y);
      expect(seqs).toEqual(Array.from({ length: 40 }, (_, i) => i + 1));
      expect(await a.verify()).toEqual({ ok: true, entries: 40 });
      await t.storage.state.delete(ENTRY_TABLE, seqKey(20));
      expect(await b.verify()).toMatchObject({ ok: false, firstBadSeq: 20 });
    } finally {
      await other.close();
    }
  });
});
