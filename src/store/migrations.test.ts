// Domain migrations on both backends: order, idempotence, exactly-once under concurrency, rollback, downgrade.
import { afterEach, describe, expect, it } from "vitest";
import { utf8 } from "../crypto/bytes.js";
import { appliedMigrations, type DomainMigration, runDomainMigrations } from "./migrations.js";
import { openStorage } from "./open.js";
import type { StorageTx } from "./ports.js";
import { openTestSqliteStorage, TEST_BACKENDS, type TestStorage } from "./testing.js";

const dec = new TextDecoder();

/** Appends `tag` to a log entry with a read-modify-write, so a double application would show. */
async function append(tx: StorageTx, tag: string): Promise<void> {
  const prev = await tx.state.get("test.mig", "log");
  await tx.state.put("test.mig", "log", utf8(`${prev ? dec.decode(prev) : ""}${tag};`));
}

const v1: DomainMigration = { version: 1, name: "first", up: (tx) => append(tx, "v1") };
const v2: DomainMigration = { version: 2, name: "second", up: (tx) => append(tx, "v2") };
const v5: DomainMigration = { version: 5, name: "fifth", up: (tx) => append(tx, "v5") };

for (const [label, open] of TEST_BACKENDS) {
  describe(`runDomainMigrations (${label})`, () => {
    let t: TestStorage | undefined;
    afterEach(async () => {
      await t?.cleanup();
      t = undefined;
    });
    const log = async () => dec.decode(await t!.storage.state.get("test.mig", "log"));

    it("applies pending migrations in order, once, and records them per domain", async () => {
      t = await open();
      expect(await runDomainMigrations(t.storage, "test", [v1, v2])).toEqual({
        applied: [1, 2],
        alreadyApplied: [],
      });
      expect(await runDomainMigrations(t.storage, "test", [v1, v2, v5])).toEqual({
        applied: [5],
        alreadyApplied: [1, 2],
      });
      expect(await log()).toBe("v1;v2;v5;");
      expect((await appliedMigrations(t.storage, "test")).map((m) => [m.version, m.name])).toEqual([
        [1, "first"],
        [2, "second"],
        [5, "fifth"],
      ]);
      expect(await appliedMigrations(t.storage, "other")).toEqual([]);
    });

    it("applies each migration exactly once when several instances start at the same time", async () => {
      t = await open();
      const others = await Promise.all(
        [1, 2].map(() => openStorage({ db: t!.dbUrl, unseal: { key: t!.key } })),
      );
      try {
        const stores = [t.storage, ...others, t.storage];
        const results = await Promise.all(stores.map((s) => runDomainMigrations(s, "race", [v1, v2, v5])));
        for (const v of [1, 2, 5]) expect(results.filter((r) => r.applied.includes(v))).toHaveLength(1);
        expect(await log()).toBe("v1;v2;v5;");
      } finally {
        await Promise.all(others.map((o) => o.close()));
      }
    });

    it("rolls a failing migration back with its marker, so a fixed release applies it", async () => {
      t = await open();
      const broken: DomainMigration = {
        version: 2,
        name: "broken",
        up: async (tx) => {
          await append(tx, "half");
          throw new Error("migration bug");
        },
      };
      await expect(runDomainMigrations(t.storage, "test", [v1, broken])).rejects.toThrow("migration bug");
      expect(await log()).toBe("v1;");
      expect((await appliedMigrations(t.storage, "test")).map((m) => m.version)).toEqual([1]);
      expect((await runDomainMigrations(t.storage, "test", [v1, v2])).applied).toEqual([2]);
      expect(await log()).toBe("v1;v2;");
    });

    it("refuses a downgrade and a pending version below an applied one", async () => {
      t = await open();
      await runDomainMigrations(t.storage, "test", [v1, v5]);
      await expect(runDomainMigrations(t.storage, "test", [v1])).rejects.toMatchObject({ code: "conflict" });
      await expect(runDomainMigrations(t.storage, "test", [v1, v2, v5])).rejects.toMatchObject({
        code: "conflict",
      });
    });
  });
}

describe("runDomainMigrations input checks", () => {
  it("rejects malformed domains and migration lists before touching storage", async () => {
    const t = await openTestSqliteStorage();
    try {
      await expect(runDomainMigrations(t.storage, "Bad Domain", [v1])).rejects.toBeInstanceOf(RangeError);
      await expect(runDomainMigrations(t.storage, "d", [v2, v1])).rejects.toThrow(/ascending/);
      await expect(runDomainMigrations(t.storage, "d", [{ ...v1, version: 0 }])).rejects.toBeInstanceOf(
        RangeError,
      );
      await expect(
        runDomainMigrations(t.storage, "d", [{ version: 1, name: "x" } as DomainMigration]),
      ).rejects.toBeInstanceOf(TypeError);
      expect(await appliedMigrations(t.storage, "d")).toEqual([]);
    } finally {
      await t.cleanup();
    }
  });
});
