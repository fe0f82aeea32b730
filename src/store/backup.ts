// Backup (online snapshot into one file, written atomically) and staged restore (verified before it lands).
import {
  closeSync,
  copyFileSync,
  existsSync,
  fsyncSync,
  linkSync,
  mkdirSync,
  openSync,
  readdirSync,
  realpathSync,
  renameSync,
  rmdirSync,
  rmSync,
  statSync,
  unlinkSync,
} from "node:fs";
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { basename, dirname, join, resolve } from "node:path";
import { bytesToHex, wipe } from "../crypto/bytes.js";
import { randomBytes } from "../crypto/random.js";
import { KeywardError } from "../errors/keyward-error.js";
import { resolveDbUrl, sealedParts } from "./open.js";
import type { Storage } from "./ports.js";
import {
  type BackupManifest,
  backupRows,
  backupToDatabase,
  finishBackupFile,
  inspectBackupFile,
  openBackupWriter,
} from "./sqlite/backup-file.js";
import { backupSqliteDatabase } from "./sqlite/sqlite-backup.js";

export type { BackupManifest } from "./sqlite/backup-file.js";

/** Where a backup comes from and goes to. */
export interface WriteBackupOptions {
  readonly db?: string | undefined;
  readonly dataDir?: string | undefined;
  /** The backup file to write. */
  readonly out: string;
  /** Replace an existing file at `out` (atomically: readers see the old or the new file). */
  readonly force?: boolean;
}

/** What `writeBackup` wrote. */
export interface WrittenBackup {
  readonly file: string;
  readonly bytes: number;
  readonly manifest: BackupManifest;
}

const tempSuffix = () => `.tmp-${bytesToHex(randomBytes(6))}`;

function fsyncPath(path: string): void {
  const fd = openSync(path, "r");
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

function sqlitePath(url: string): string | undefined {
  return url.startsWith("sqlite:") ? resolve(url.slice("sqlite:".length)) : undefined;
}

/**
 * Takes an online, consistent snapshot of the store (state, sealed secrets, keyring, audit chain) into the
 * file `out`: SQLite through the backup API, PostgreSQL through one serializable read-only export. Secrets stay
 * sealed; no unseal material is read or written. The file is written to a temp file next to `out`, fsynced,
 * given mode 0600 and then moved into place, so `out` is never half written.
 * @throws KeywardError `already_exists` (`out` exists, no `force`), `invalid_input` (bad `out`),
 *   `not_initialized` (no store), `unavailable` (database or disk).
 */
export async function writeBackup(options: WriteBackupOptions): Promise<WrittenBackup> {
  const url = resolveDbUrl(options.db, options.dataDir);
  const out = resolve(options.out);
  const source = sqlitePath(url);
  if (existsSync(out) && statSync(out).isDirectory())
    throw new KeywardError("invalid_input", `--out names a directory, not a file: ${out}`);
  if (existsSync(out) && !options.force)
    throw new KeywardError("already_exists", `${out} already exists: choose another file or pass --force`);
  if (!existsSync(dirname(out)))
    throw new KeywardError("invalid_input", `the directory of --out does not exist: ${dirname(out)}`);
  if (source !== undefined) {
    if (!existsSync(source))
      throw new KeywardError("not_initialized", `no keyward store at ${source}: nothing to back up`);
    const real = realpathSync(source);
    const target = existsSync(out) ? realpathSync(out) : out;
    if ([real, `${real}-wal`, `${real}-shm`].includes(target))
      throw new KeywardError("invalid_input", "--out must not be the store's own database file");
  }
  const temp = join(dirname(out), `.${basename(out)}${tempSuffix()}`);
  closeSync(openSync(temp, "wx", 0o600));
  try {
    if (source !== undefined) await backupSqliteDatabase(source, temp);
    else {
      const { exportPostgres } = await import("./postgres/postgres-dump.js");
      const writer = openBackupWriter(temp);
      try {
        await exportPostgres(url, writer);
      } finally {
        writer.close();
      }
    }
    const manifest = finishBackupFile(temp, source !== undefined ? "sqlite" : "postgres");
    rmSync(`${temp}-journal`, { force: true });
    fsyncPath(temp);
    if (options.force) renameSync(temp, out);
    else {
      // link() refuses an existing name: a file created at `out` meanwhile is never replaced.
      try {
        linkSync(temp, out);
      } catch (err) {
        if ((err as { code?: string }).code === "EEXIST")
          throw new KeywardError(
            "already_exists",
            `${out} already exists: choose another file or pass --force`,
          );
        throw err;
      }
      unlinkSync(temp);
    }
    fsyncPath(dirname(out));
    return { file: out, bytes: statSync(out).size, manifest };
  } finally {
    rmSync(temp, { force: true });
  }
}

/** Where a restore goes. */
export interface RestoreTarget {
  readonly db?: string | undefined;
  readonly dataDir?: string | undefined;
}

/**
 * A restore in progress: the backup copied into a private location as a live SQLite database (`dbUrl`), to be
 * opened, unsealed and verified; then `commit()` moves it into place (or imports it into PostgreSQL) and
 * `abort()` removes every trace of it.
 */
export interface StagedRestore {
  readonly manifest: BackupManifest;
  readonly dbUrl: string;
  /** Where the restore lands: the data dir, the SQLite file, or "postgres". */
  readonly target: string;
  /** Set when the file's counts or digest differ from its manifest (report after the seal and audit checks). */
  readonly contentProblem: string | undefined;
  commit(): Promise<void>;
  abort(): void;
}

function isEmptyDir(path: string): boolean {
  return statSync(path).isDirectory() && readdirSync(path).length === 0;
}

/**
 * Checks the target is empty and the backup file sound, then copies the backup into a staging location.
 * Nothing is written at the target until `commit()`.
 * @throws KeywardError `already_exists` naming the non-empty target, `backup_invalid` naming the file.
 */
export async function stageRestore(file: string, target: RestoreTarget): Promise<StagedRestore> {
  const url = resolveDbUrl(target.db, target.dataDir);
  const backup = resolve(file);
  if (!existsSync(backup)) throw new KeywardError("not_found", `backup file ${backup} does not exist`);
  const custom = target.db !== undefined && target.db !== "";
  const dbFile = sqlitePath(url);
  const dataDir = resolve(target.dataDir ?? "./.keyward");
  if (dbFile === undefined) {
    const { postgresIsEmpty } = await import("./postgres/postgres-dump.js");
    if (!(await postgresIsEmpty(url)))
      throw new KeywardError(
        "already_exists",
        "the PostgreSQL store is not empty: restore needs an empty one",
      );
  } else if (custom) {
    if (existsSync(dbFile))
      throw new KeywardError("already_exists", `${dbFile} already exists: restore needs a new file`);
    if (!existsSync(dirname(dbFile)))
      throw new KeywardError("invalid_input", `the directory of ${dbFile} does not exist`);
  } else if (existsSync(dataDir) && !isEmptyDir(dataDir))
    throw new KeywardError(
      "already_exists",
      `${dataDir} is not empty: restore needs an empty or new data dir`,
    );
  const { manifest, contentProblem } = inspectBackupFile(backup);
  // Staged next to the target so that commit is a rename on one file system; for PostgreSQL, in tmpdir.
  let stage: string;
  let createdParent: string | undefined;
  if (dbFile === undefined) stage = await mkdtemp(join(tmpdir(), "keyward-restore-"));
  else {
    const parent = custom ? dirname(dbFile) : dirname(dataDir);
    createdParent = mkdirSync(parent, { recursive: true });
    stage = join(parent, `.${basename(custom ? dbFile : dataDir)}.restore${tempSuffix()}`);
    mkdirSync(stage, { mode: 0o700 });
  }
  const staged = join(stage, "keyward.db");
  let landed = false;
  const abort = () => {
    if (landed) return;
    rmSync(stage, { recursive: true, force: true });
    if (createdParent) rmSync(createdParent, { recursive: true, force: true });
  };
  try {
    copyFileSync(backup, staged);
    backupToDatabase(staged);
  } catch (err) {
    abort();
    throw err;
  }
  const where = dbFile === undefined ? "postgres" : custom ? dbFile : dataDir;
  return {
    manifest,
    dbUrl: `sqlite:${staged}`,
    target: where,
    contentProblem,
    abort,
    async commit() {
      try {
        for (const f of ["-wal", "-shm"]) rmSync(`${staged}${f}`, { force: true });
        fsyncPath(staged);
        if (dbFile === undefined) {
          const { importPostgres } = await import("./postgres/postgres-dump.js");
          await importPostgres(url, backupRows(staged));
          abort();
          landed = true;
        } else if (custom) {
          linkSync(staged, dbFile); // refuses a file created meanwhile
          landed = true;
          rmSync(stage, { recursive: true, force: true });
          fsyncPath(dirname(dbFile));
        } else {
          // rename() replaces an empty directory atomically and refuses a non-empty one.
          if (existsSync(dataDir) && !isEmptyDir(dataDir))
            throw new KeywardError("already_exists", `${dataDir} is no longer empty: nothing was restored`);
          if (existsSync(dataDir)) rmdirSync(dataDir);
          renameSync(stage, dataDir);
          landed = true;
          fsyncPath(dirname(dataDir));
        }
      } catch (err) {
        abort();
        if ((err as { code?: string }).code === "EEXIST" || (err as { code?: string }).code === "ENOTEMPTY")
          throw new KeywardError(
            "already_exists",
            `${where} appeared during the restore: nothing was restored`,
          );
        throw err;
      }
    },
  };
}

/**
 * Opens (authenticates) every sealed secret of `storage` with its keyring; returns how many. The first one
 * that does not open stops the check, naming its namespace and name (never its value).
 * @throws KeywardError `decrypt_failed`.
 */
export async function verifyAllSeals(storage: Storage): Promise<number> {
  const { raw, keyring } = sealedParts(storage);
  let count = 0;
  for await (const { namespace, name, row } of raw.direct.secretScanAll()) {
    if (!keyring.has(row.keyVersion)) await keyring.ensure(row.keyVersion, (k) => raw.direct.metaGet(k));
    let plain: Uint8Array;
    try {
      plain = keyring.open(namespace, name, row);
    } catch {
      throw new KeywardError(
        "decrypt_failed",
        `secret ${namespace}/${name} does not open with this unseal material (tampered or damaged)`,
      );
    }
    wipe(plain);
    count++;
  }
  return count;
}
