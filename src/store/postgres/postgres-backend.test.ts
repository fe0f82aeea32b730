// The storage contract suites on the real local PostgreSQL server, plus Postgres specifics: URL/schema parsing, concurrent migrations, schema isolation, retries.
import { describe, expect, it } from "vitest";
import { Secret } from "../../crypto/secret.js";
import { KeywardError } from "../../errors/keyward-error.js";
import { runSecretStoreContract } from "../secret-store.contract.js";
import { runStateStoreContract } from "../state-store.contract.js";
import { dropTestSchema, newTestSchema, openTestPostgresStorage, testPostgresUrl } from "../testing.js";
import { openPostgresBackend, parsePostgresUrl } from "./postgres-backend.js";

const bytes = (s: string) => new TextEncoder().encode(s);

runStateStoreContract("postgres", openTestPostgresStorage);
runSecretStoreContract("postgres", openTestPostgresStorage);

describe("parsePostgresUrl", () => {
  it("extracts the schema and keeps the rest of the URL", () => {
    const r = parsePostgresUrl("postgres://u:p@h:5432/db?schema=kw_x&sslmode=disable");
    expect(r.schema).toBe("kw_x");
    expect(r.connectionString).toBe("postgres://u:p@h:5432/db?sslmode=disable");
    expect(parsePostgresUrl("postgresql://h/db").schema).toBeUndefined();
  });

  it("refuses unsafe schema names and other protocols without echoing the URL", () => {
    for (const bad of [
      'postgres://h/db?schema=a"b',
      "postgres://h/db?schema=A",
      "postgres://h/db?schema=1x",
    ]) {
      expect(() => parsePostgresUrl(bad)).toThrow(/schema must match/);
    }
    expect(() => parsePostgresUrl("mysql://secretpw@h/db")).toThrow(KeywardError);
    expect(() => parsePostgresUrl("not a url :secretpw")).not.toThrow(/secretpw/);
  });
});

describe("postgres backend", () => {
  it("applies migrations once when several instances open a new schema at the same time", async () => {
    const schema = newTestSchema();
    try {
      const raws = await Promise.all(
        Array.from({ length: 4 }, () => openPostgresBackend(testPostgresUrl(schema), { max: 2 })),
      );
      await raws[0]!.direct.state.put("t", "k", bytes("v"));
      expect(await raws[3]!.direct.state.get("t", "k")).toEqual(bytes("v"));
      await Promise.all(raws.map((r) => r.close()));
    } finally {
      await dropTestSchema(schema);
    }
  });

  it("reports an unreachable server as `unavailable` without the URL", async () => {
    const err = await openPostgresBackend("postgres://kw:hunter2@127.0.0.1:1/none").catch((e) => e);
    expect(err).toBeInstanceOf(KeywardError);
    expect(err.code).toBe("unavailable");
    expect(String(err.message)).not.toContain("hunter2");
  });

  it("keeps schemas isolated and round-trips sealed secrets", async () => {
    const a = await openTestPostgresStorage();
    const b = await openTestPostgresStorage();
    try {
      await a.storage.state.put("t", "k", bytes("a"));
      expect(await b.storage.state.get("t", "k")).toBeUndefined();
      await a.storage.secrets.put("ns", "n", Secret.from(bytes("s3cret-value-123")));
      expect((await a.storage.secrets.get("ns", "n"))?.expose()).toEqual(bytes("s3cret-value-123"));
      expect(await b.storage.secrets.has("ns", "n")).toBe(false);
    } finally {
      await a.cleanup();
      await b.cleanup();
    }
  });

  it("retries a transaction that hits a serialization failure and ends with every increment applied", async () => {
    const t = await openTestPostgresStorage();
    try {
      const { storage } = t;
      await storage.state.put("c", "n", bytes("0"));
      // Read-modify-write from concurrent transactions: SERIALIZABLE aborts all but one; retries redo the rest.
      await Promise.all(
        Array.from({ length: 8 }, () =>
          storage.transaction(async (tx) => {
            const n = Number(new TextDecoder().decode(await tx.state.get("c", "n")));
            await tx.state.put("c", "n", bytes(String(n + 1)));
          }),
        ),
      );
      expect(new TextDecoder().decode(await storage.state.get("c", "n"))).toBe("8");
    } finally {
      await t.cleanup();
    }
  });

  it("answers `unavailable` (not internal) when a transaction runs out of serialization retries", async () => {
    const t = await openTestPostgresStorage();
    try {
      let runs = 0;
      const err = await t.storage
        .transaction(async () => {
          runs++;
          throw Object.assign(new Error("could not serialize access"), { code: "40001" });
        })
        .catch((e: unknown) => e);
      expect(err).toBeInstanceOf(KeywardError);
      expect((err as KeywardError).code).toBe("unavailable");
      expect((err as KeywardError).message).toBe(
        "the database is busy: the transaction gave up after retries",
      );
      expect(runs).toBeGreaterThan(1);
    } finally {
      await t.cleanup();
    }
  }, 30_000);
});
