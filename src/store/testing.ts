// Test helpers: real SQLite files in temp dirs and real PostgreSQL schemas, each test isolated.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { randomBytes } from "../crypto/random.js";
import type { Storage } from "./ports.js";
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
