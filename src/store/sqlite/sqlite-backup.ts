// Online backup of a live SQLite store through SQLite's backup API: one consistent snapshot, writers keep going.
import { acquireSqlite, releaseSqlite } from "./connection.js";

/** The largest page count one backup step may copy (sqlite3_backup_step's N). */
const ALL_PAGES = 0x7fffffff;

/**
 * Copies the database at `dbPath` into `destPath` (an existing empty file or a new one) with
 * `sqlite3_backup`, all pages in one step: the step reads one WAL snapshot, so the copy is one consistent
 * state even while other processes (`keyward serve`) write; they are not blocked (WAL readers never block
 * writers). Runs under this process's connection mutex, so no transaction of this process is half in it.
 * @returns the number of pages copied.
 */
export async function backupSqliteDatabase(dbPath: string, destPath: string): Promise<number> {
  const shared = acquireSqlite(dbPath);
  try {
    return await shared.mutex.run(async () => {
      // better-sqlite3 runs a first step of 0 pages, then asks `progress` how many to copy next: all of them.
      const result = await shared.db.backup(destPath, { progress: () => ALL_PAGES });
      return result.totalPages;
    });
  } finally {
    await releaseSqlite(shared);
  }
}
