// Backup and restore of a configured store: snapshot into one file; restore only after every check passes.
import { KEY_NAME, KEY_NAMESPACE } from "../audit/entry.js";
import { KeywardError } from "../errors/keyward-error.js";
import { type BackupManifest, stageRestore, verifyAllSeals, writeBackup } from "../store/backup.js";
import { openStorage } from "../store/open.js";
import type { Storage } from "../store/ports.js";
import { openAuditLog } from "./audit.js";
import type { KeywardConfig } from "./config.js";
import { unsealSource } from "./open.js";

/** The counts a backup holds and a restore verified. */
export interface BackupCounts {
  /** Records: every domain's state records and the audit entries (the append-only log's rows). */
  readonly records: number;
  /** Sealed secrets (every namespace). */
  readonly secrets: number;
  readonly auditEntries: number;
}

/** The result of `backupStore`. */
export interface BackupResult extends BackupCounts {
  readonly file: string;
  readonly bytes: number;
  readonly source: "sqlite" | "postgres";
  readonly createdAt: string;
  readonly digest: string;
}

/** The result of `restoreStore`. */
export interface RestoreResult extends BackupCounts {
  /** The data dir, SQLite file or "postgres" the backup was restored into. */
  readonly target: string;
  readonly file: string;
  /** When the backup was taken and from which backend. */
  readonly createdAt: string;
  readonly source: "sqlite" | "postgres";
}

function counts(m: BackupManifest, auditEntries: number): BackupCounts {
  return { records: m.counts.state + (m.counts.log ?? 0), secrets: m.counts.secrets, auditEntries };
}

/**
 * Writes an online, consistent backup of the configured store to `out` (see `writeBackup`): no unseal
 * material is needed and secrets stay sealed.
 * @throws KeywardError `already_exists`, `invalid_input`, `not_initialized`, `unavailable`.
 * @example await backupStore(resolveConfig({ data: ".keyward" }), { out: "keyward.backup" });
 */
export async function backupStore(
  config: KeywardConfig,
  options: { readonly out: string; readonly force?: boolean },
): Promise<BackupResult> {
  const written = await writeBackup({
    db: config.db,
    dataDir: config.dataDir,
    out: options.out,
    force: options.force === true,
  });
  const m = written.manifest;
  return {
    file: written.file,
    bytes: written.bytes,
    source: m.source,
    createdAt: m.createdAt,
    digest: m.digest,
    ...counts(m, m.counts.log ?? 0),
  };
}

/** Verifies the audit chain of a staged store without writing to it; returns its entry count. */
async function verifyAudit(storage: Storage): Promise<number> {
  const hasKey = await storage.secrets.has(KEY_NAMESPACE, KEY_NAME);
  if (!hasKey) {
    if (await storage.log.last())
      throw new KeywardError("audit_broken", "the audit log has entries but its sealed key is missing");
    return 0;
  }
  const log = await openAuditLog(storage);
  try {
    const result = await log.verify();
    if (!result.ok)
      throw new KeywardError(
        "audit_broken",
        `audit chain broken at entry ${result.firstBadSeq}: ${result.reason ?? "invalid"}`,
        { ...result },
      );
    return result.entries;
  } finally {
    log.close();
  }
}

/**
 * Restores the backup `file` into the configured (empty) store. Before anything lands there it unseals the
 * keyring with the configured material, opens and authenticates every sealed secret, verifies the audit
 * chain and checks the file against its manifest; any failure removes the staged copy and names what failed.
 * @throws KeywardError `already_exists` (target not empty), `backup_invalid`, `unseal_failed`,
 *   `decrypt_failed`, `audit_broken`, `not_found` (no such file).
 * @example await restoreStore(resolveConfig({ data: "restored", keyFile: "unseal.key" }), "keyward.backup");
 */
export async function restoreStore(config: KeywardConfig, file: string): Promise<RestoreResult> {
  if (!config.unseal)
    throw new KeywardError(
      "unseal_failed",
      "restore needs the backup's unseal material: set KEYWARD_PASSPHRASE or --key-file / KEYWARD_KEY_FILE",
    );
  const staged = await stageRestore(file, { db: config.db, dataDir: config.dataDir });
  let auditEntries: number;
  try {
    let storage: Storage;
    try {
      storage = await openStorage({ db: staged.dbUrl, unseal: config.unseal });
    } catch (err) {
      if (err instanceof KeywardError && err.code === "unseal_failed")
        throw new KeywardError(
          "unseal_failed",
          `the backup's keyring does not open with ${unsealSource(config.unseal)}: nothing was restored`,
        );
      throw err;
    }
    try {
      const secrets = await verifyAllSeals(storage);
      if (secrets !== staged.manifest.counts.secrets)
        throw new KeywardError("backup_invalid", "the backup's secret count differs from its manifest");
      auditEntries = await verifyAudit(storage);
    } finally {
      await storage.close();
    }
    if (staged.contentProblem)
      throw new KeywardError("backup_invalid", `${file} is not a usable backup: ${staged.contentProblem}`);
    await staged.commit();
  } catch (err) {
    staged.abort();
    if (err instanceof KeywardError && !err.message.includes("nothing was restored"))
      throw new KeywardError(
        err.code,
        `${err.message}; nothing was restored`,
        err.details ? { ...err.details } : undefined,
      );
    throw err;
  }
  const m = staged.manifest;
  return {
    target: staged.target,
    file,
    createdAt: m.createdAt,
    source: m.source,
    ...counts(m, auditEntries),
  };
}
