// Test helpers: real SQLite files in temp dirs and real PostgreSQL schemas, each test isolated.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import pg from "pg";
import { bytesToHex } from "../crypto/bytes.js";
import { randomBytes } from "../crypto/random.js";
import type { Storage } from "./ports.js";
import { openPostgresBackend } from "./postgres/postgres-backend.js";
import { SealedStorage } from "./sealed-storage.js";
import { initializeSealing, unsealKeyring } from "./sealing/unseal.js";
import { openSqliteBackend } from "./sqlite/sqlite-backend.js";

/** The test Postgres server (real, local): override with KEYWARD_TEST_PG. */
export const TEST_PG_URL = process.env.KEYWARD_TEST_PG ?? "postgres://postgres@127.0.0.1:5432/test";

/** A storage for tests plus its location and a cleanup. */
export interface TestStorage {
  readonly storage: Storage;
  readonly dir: string;
  readonly dbUrl: string;
  readonly key: Uint8Array;
  cleanup(): Promise<void>;
}

/** A fresh sealed SQLite storage in a new temp dir (a real file, WAL mode). */
export async function openTestSqliteStorage(): Promise<TestStorage> {
  const dir = mkdtempSync(join(tmpdir(), "keyward-test-"));
  const path = join(dir, "keyward.db");
  const key = randomBytes(32);
  const raw = openSqliteBackend(path);
  await initializeSealing(raw, { key });
  const storage = new SealedStorage(raw, await unsealKeyring(raw, { key }));
  return {
    storage,
    dir,
    dbUrl: `sqlite:${path}`,
    key,
    async cleanup() {
      await storage.close().catch(() => undefined);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A fresh schema name for one test (`kw_t_` + 16 random hex). */
export function newTestSchema(): string {
  return `kw_t_${bytesToHex(randomBytes(8))}`;
}

/** The test server URL with `?schema=NAME`. */
export function testPostgresUrl(schema: string): string {
  const url = new URL(TEST_PG_URL);
  url.searchParams.set("schema", schema);
  return url.toString();
}

/** Drops a test schema and everything in it. */
export async function dropTestSchema(schema: string): Promise<void> {
  const client = new pg.Client({ connectionString: TEST_PG_URL });
  await client.connect();
  try {
    await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  } finally {
    await client.end();
  }
}

/**
 * A fresh sealed storage in its own schema on the real local PostgreSQL server (TEST_PG_URL), plus a temp
 * data dir (for CLI tests). `cleanup()` drops the schema.
 */
export async function openTestPostgresStorage(): Promise<TestStorage> {
  const dir = mkdtempSync(join(tmpdir(), "keyward-test-pg-"));
  const schema = newTestSchema();
  const dbUrl = testPostgresUrl(schema);
  const key = randomBytes(32);
  // A small pool: many test files may hold a storage at once on one shared server.
  const raw = await openPostgresBackend(dbUrl, { max: 4 });
  try {
    await initializeSealing(raw, { key });
  } catch (err) {
    await raw.close();
    throw err;
  }
  const storage = new SealedStorage(raw, await unsealKeyring(raw, { key }));
  return {
    storage,
    dir,
    dbUrl,
    key,
    async cleanup() {
      await storage.close().catch(() => undefined);
      await dropTestSchema(schema);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Every backend a matrix test runs on, as `[label, open]` pairs (the one list: add a backend here). */
export const TEST_BACKENDS: readonly [label: "sqlite" | "postgres", open: () => Promise<TestStorage>][] = [
  ["sqlite", openTestSqliteStorage],
  ["postgres", openTestPostgresStorage],
];

/**
 * Rewrites the SQLite database file at `path` (closed in this process) into storage schema 1's layout, as
 * versions before the append-only log wrote it: the log's rows back as state rows of table `audit.entry` keyed
 * by the 16-digit decimal seq, no `kw_log` table, no record of migration 2.
 */
export function rewriteSqliteAsSchema1(path: string): void {
  const db = new Database(path);
  try {
    db.transaction(() =>
      db.exec(`INSERT INTO kw_state (tbl, key, value) SELECT 'audit.entry', printf('%016d', seq), value FROM kw_log;
               DROP TABLE kw_log; DELETE FROM kw_schema WHERE version >= 2;`),
    )();
  } finally {
    db.close();
  }
}

/** As `rewriteSqliteAsSchema1`, for the PostgreSQL store at `dbUrl` (`?schema=NAME`), in one transaction. */
export async function rewritePostgresAsSchema1(dbUrl: string): Promise<void> {
  const schema = new URL(dbUrl).searchParams.get("schema");
  const client = new pg.Client({
    connectionString: TEST_PG_URL,
    ...(schema ? { options: `-c search_path=${schema}` } : {}),
  });
  await client.connect();
  try {
    await client.query(`BEGIN;
      INSERT INTO kw_state (tbl, key, value) SELECT 'audit.entry', lpad(seq::text, 16, '0'), value FROM kw_log;
      DROP TABLE kw_log; DELETE FROM kw_schema WHERE version >= 2; COMMIT;`);
  } finally {
    await client.end();
  }
}
