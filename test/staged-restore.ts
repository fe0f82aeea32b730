// Test helper for the backup suites: a restore as the CLI does it (stage, check every seal, commit).
import { stageRestore, verifyAllSeals } from "../src/store/backup.js";
import { openStorage } from "../src/store/open.js";

/**
 * Stages backup `file` into `target`, opens the staged store with `key`, checks that every secret opens, then
 * commits the stage; any failure aborts it (nothing is left behind) and is rethrown.
 */
export async function restoreVerified(
  file: string,
  target: { db?: string; dataDir?: string },
  key: Uint8Array,
): Promise<void> {
  const staged = await stageRestore(file, target);
  try {
    const storage = await openStorage({ db: staged.dbUrl, unseal: { key } });
    try {
      await verifyAllSeals(storage);
    } finally {
      await storage.close();
    }
    await staged.commit();
  } catch (err) {
    staged.abort();
    throw err;
  }
}
