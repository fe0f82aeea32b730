// Environment failures on real SQLite files: disk full, read-only, corrupt file, symlink loop → `unavailable`
// naming the cause (and the file, when opening), and readiness false while writes fail.
import { mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { afterAll, describe, expect, it } from "vitest";
import { refusal } from "../../../test/refusal.js";
import { openTestSqliteStorage } from "../testing.js";
import { acquireSqlite, releaseSqlite } from "./connection.js";
import { writeFailure } from "./failures.js";
import { openSqliteBackend } from "./sqlite-backend.js";

const dir = mkdtempSync(join(tmpdir(), "keyward-failures-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("SQLite environment failures", () => {
  it("a full disk answers `unavailable`, marks writes failing, and recovers when space returns", async () => {
    const t = await openTestSqliteStorage();
    const path = t.dbUrl.slice("sqlite:".length);
    const shared = acquireSqlite(path); // the same connection the storage uses
    try {
      const pages = shared.db.pragma("page_count", { simple: true }) as number;
      // SQLite's own quota: writes past it fail with SQLITE_FULL, exactly as on a full disk.
      shared.db.pragma(`max_page_count = ${pages}`);
      const big = new Uint8Array(64 * 1024).fill(7);
      const err = await refusal(t.storage.state.put("t", "k", big));
      expect(err.code).toBe("unavailable");
      expect(err.message).toBe("the database cannot be written: the disk is full");
      expect(t.storage.writeFailing?.()).toBe(true);
      const inTx = await refusal(t.storage.transaction((tx) => tx.state.put("t", "k2", big)));
      expect(inTx.code).toBe("unavailable");
      shared.db.pragma("max_page_count = 1073741823");
      await t.storage.state.put("t", "k", big);
      expect(t.storage.writeFailing?.()).toBe(false);
    } finally {
      await releaseSqlite(shared);
      await t.cleanup();
    }
  });

  it("a read-only database refuses writes as `unavailable`, naming the cause", () => {
    const path = join(dir, "ro.db");
    new Database(path).exec("CREATE TABLE t (x)").close();
    const ro = new Database(path, { readonly: true });
    try {
      let thrown: unknown;
      try {
        ro.prepare("INSERT INTO t VALUES (1)").run();
      } catch (e) {
        thrown = e;
      }
      expect(writeFailure(thrown)?.message).toBe(
        "the database cannot be written: the file or its directory is read-only",
      );
      expect(writeFailure(new Error("a bug"))).toBeUndefined();
    } finally {
      ro.close();
    }
  });

  it("a file that is not a database: one line naming the file and the cause", async () => {
    const path = join(dir, "garbage.db");
    writeFileSync(path, "this is not a database, it is a text file that is long enough to have a header");
    const err = await refusal(Promise.resolve().then(() => openSqliteBackend(path)));
    expect(err.code).toBe("unavailable");
    expect(err.message).toBe(
      `cannot open the SQLite database ${path}: the file is not a database or is corrupt`,
    );
  });

  it("a symlink loop: one line naming the file and the cause", async () => {
    const a = join(dir, "loop-a.db");
    symlinkSync(join(dir, "loop-b.db"), a);
    symlinkSync(a, join(dir, "loop-b.db"));
    const err = await refusal(Promise.resolve().then(() => openSqliteBackend(a)));
    expect(err.code).toBe("unavailable");
    expect(err.message).toMatch(new RegExp(`^cannot open the SQLite database ${a}: .*symlink loop`));
  });
});
