// An older keyward refuses a store a newer one migrated, on SQLite and on the real PostgreSQL server.
import Database from "better-sqlite3";
import pg from "pg";
import { describe, expect, it } from "vitest";
import { KeywardError } from "../errors/keyward-error.js";
import { openPostgresBackend } from "./postgres/postgres-backend.js";
import { assertSchemaKnown } from "./schema-guard.js";
import { openSqliteBackend } from "./sqlite/sqlite-backend.js";
import { openTestPostgresStorage, openTestSqliteStorage, TEST_PG_URL } from "./testing.js";

const FUTURE = 99;
const mark = `INSERT INTO kw_schema (version, name, applied_at) VALUES (${FUTURE}, 'from a newer keyward', 0)`;

/** Runs `sql` on the real server in the schema of a test store's URL (`?schema=`), returning its rows. */
async function queryTestSchema(dbUrl: string, sql: string): Promise<{ v?: unknown }[]> {
  const schema = new URL(dbUrl).searchParams.get("schema")!;
  const client = new pg.Client({ connectionString: TEST_PG_URL, options: `-c search_path=${schema}` });
  await client.connect();
  try {
    return (await client.query(sql)).rows;
  } finally {
    await client.end();
  }
}

async function refusal(open: () => Promise<unknown>): Promise<KeywardError> {
  const err = await open().then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(KeywardError);
  return err as KeywardError;
}

describe("assertSchemaKnown", () => {
  it("passes a store at or below the last migration and refuses one above it, naming both versions", () => {
    const known = [{ version: 1 }, { version: 2 }];
    expect(() => assertSchemaKnown(0, known)).not.toThrow();
    expect(() => assertSchemaKnown(2, known)).not.toThrow();
    expect(() => assertSchemaKnown(3, known)).toThrow(/storage schema 3 is newer than this keyward's 2/);
    expect(() => assertSchemaKnown(1, [])).toThrow(KeywardError);
  });
});

describe("opening a store migrated by a newer keyward", () => {
  it("SQLite: the open fails with conflict and leaves the file as it was", async () => {
    const t = await openTestSqliteStorage();
    try {
      await t.storage.close();
      const path = t.dbUrl.slice("sqlite:".length);
      const db = new Database(path);
      db.exec(mark);
      const before = db.prepare("SELECT COUNT(*) AS n FROM kw_schema").get();
      db.close();
      const err = await refusal(async () => openSqliteBackend(path));
      expect(err.code).toBe("conflict");
      expect(err.message).toMatch(/storage schema 99 is newer .*upgrade keyward/);
      const after = new Database(path, { readonly: true });
      expect(after.prepare("SELECT COUNT(*) AS n FROM kw_schema").get()).toEqual(before);
      after.close();
    } finally {
      await t.cleanup();
    }
  });

  it("PostgreSQL: the open fails with conflict, not as an unreachable server", async () => {
    const t = await openTestPostgresStorage();
    try {
      await t.storage.close();
      await queryTestSchema(t.dbUrl, mark);
      const err = await refusal(() => openPostgresBackend(t.dbUrl, { max: 1 }));
      expect(err.code).toBe("conflict");
      expect(err.message).toMatch(/storage schema 99 is newer .*upgrade keyward/);
    } finally {
      await t.cleanup();
    }
  });
});

// Schema 3 changes no table: it marks a store whose audit log may hold v3 rows, so that a build from before
// them (whose last migration is 2) refuses the store at open instead of reading a v3 row as a modified chain.
describe("storage schema 3 (audit rows v3)", () => {
  const beforeV3 = [{ version: 1 }, { version: 2 }];

  it("SQLite: a store this build opens records schema 3, which a schema-2 build refuses", async () => {
    const t = await openTestSqliteStorage();
    try {
      await t.storage.close();
      const db = new Database(t.dbUrl.slice("sqlite:".length), { readonly: true });
      const { v } = db.prepare("SELECT MAX(version) AS v FROM kw_schema").get() as { v: number };
      db.close();
      expect(v).toBe(3);
      expect(() => assertSchemaKnown(v, beforeV3)).toThrow(/storage schema 3 is newer than this keyward's 2/);
    } finally {
      await t.cleanup();
    }
  });

  it("PostgreSQL: the same on the real server", async () => {
    const t = await openTestPostgresStorage();
    try {
      await t.storage.close();
      const [row] = await queryTestSchema(t.dbUrl, "SELECT MAX(version) AS v FROM kw_schema");
      const v = Number(row?.v);
      expect(v).toBe(3);
      expect(() => assertSchemaKnown(v, beforeV3)).toThrow(KeywardError);
    } finally {
      await t.cleanup();
    }
  });
});
