// Opens a Storage from a database URL and unseal material: the one place that picks a backend.
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { KeywardError } from "../errors/keyward-error.js";
import type { Storage } from "./ports.js";
import type { RawBackend } from "./raw.js";
import { SealedStorage } from "./sealed-storage.js";
import type { SealedParts } from "./sealing/data-keys.js";
import type { UnsealMaterial, UnsealMode } from "./sealing/root-key.js";
import {
  initializeSealing,
  isInitialized,
  readUnsealMode,
  rotateRootKey,
  unsealKeyring,
} from "./sealing/unseal.js";
import { openSqliteBackend } from "./sqlite/sqlite-backend.js";

/** Where the data lives and how to unseal it. */
export interface OpenStorageOptions {
  /** `sqlite:PATH`, `postgres://…` / `postgresql://…`; default `sqlite:<dataDir>/keyward.db`. */
  readonly db?: string;
  /** Data directory (default `./.keyward`). */
  readonly dataDir?: string;
  /** Unseal material; may be omitted only with `lazyUnseal` (then any secret access fails `unseal_failed`). */
  readonly unseal: UnsealMaterial | undefined;
  /**
   * Unseal on the first secret read or write instead of at open (the KDF never runs for work that touches no
   * secret: delegation checks, validation, imports). A wrong passphrase then surfaces at that first access.
   */
  readonly lazyUnseal?: boolean;
  /** Initialise sealing if the store is new (dev mode, tests). `keyward init` uses `initializeSealing`. */
  readonly createIfMissing?: boolean;
}

/** Resolves the database URL (`--db` / `KEYWARD_DB`, else SQLite inside the data dir). */
export function resolveDbUrl(db: string | undefined, dataDir = "./.keyward"): string {
  return db && db.length > 0 ? db : `sqlite:${join(dataDir, "keyward.db")}`;
}

/**
 * True when the store at `db` / `dataDir` may exist: always for PostgreSQL (only the server knows), and for
 * SQLite when its file exists. Creates nothing.
 */
export function storeMayExist(db: string | undefined, dataDir = "./.keyward"): boolean {
  const url = resolveDbUrl(db, dataDir);
  return !url.startsWith("sqlite:") || url === "sqlite::memory:" || existsSync(url.slice("sqlite:".length));
}

/**
 * Refuses a store that does not exist, naming where it was looked for; creates nothing.
 * @throws KeywardError `not_initialized`.
 */
export function assertStoreExists(db: string | undefined, dataDir: string | undefined): void {
  if (storeMayExist(db, dataDir)) return;
  const url = resolveDbUrl(db, dataDir);
  const where = db ? url : dirname(url.slice("sqlite:".length));
  const hint = existsSync(dataDir ?? "./.keyward")
    ? "run `keyward init` there"
    : "check --data / KEYWARD_DATA, or run `keyward init` (or `npm start` for dev mode) to create it";
  throw new KeywardError("not_initialized", `no keyward store at ${where}: ${hint}`);
}

const NO_MATERIAL =
  "no unseal material: set KEYWARD_PASSPHRASE, --key-file / KEYWARD_KEY_FILE or KEYWARD_UNSEAL_SHARES_FILE";

/** Opens the raw backend for a URL. */
export async function openRawBackend(url: string): Promise<RawBackend> {
  if (url.startsWith("sqlite:")) return openSqliteBackend(url.slice("sqlite:".length));
  // Loaded on demand: `pg` costs ~100 ms of module loading that a SQLite command never needs (cold start).
  if (url.startsWith("postgres://") || url.startsWith("postgresql://"))
    return (await import("./postgres/postgres-backend.js")).openPostgresBackend(url);
  throw new KeywardError("invalid_input", "db must be sqlite:PATH or postgres://…");
}

/**
 * Opens and unseals a Storage.
 * @throws KeywardError `not_initialized`, `unseal_failed`, `invalid_input`.
 * @example const storage = await openStorage({ dataDir: ".keyward", unseal: { keyFile: ".keyward/dev.key" } });
 */
export async function openStorage(options: OpenStorageOptions): Promise<Storage> {
  // Only init and dev mode create a store: any other command on a mistyped --data creates nothing.
  if (!options.createIfMissing) assertStoreExists(options.db, options.dataDir);
  const material = options.unseal;
  if (!material && !options.lazyUnseal) throw new KeywardError("unseal_failed", NO_MATERIAL);
  const raw = await openRawBackend(resolveDbUrl(options.db, options.dataDir));
  try {
    if (options.createIfMissing && !(await isInitialized(raw))) {
      try {
        if (material) await initializeSealing(raw, material);
      } catch (err) {
        if (!(err instanceof KeywardError && err.code === "already_exists")) throw err;
      }
    }
    if (options.lazyUnseal) {
      if (!(await isInitialized(raw)))
        throw new KeywardError("not_initialized", "store is not initialised: run `keyward init` first");
      return new SealedStorage(raw, async (via) => {
        if (!material) throw new KeywardError("unseal_failed", NO_MATERIAL);
        return unsealKeyring(raw, material, via);
      });
    }
    return new SealedStorage(raw, await unsealKeyring(raw, material!));
  } catch (err) {
    await raw.close();
    throw err;
  }
}

/**
 * True when the store exists and has its sealed keyring; opens nothing new (a missing SQLite file is false).
 * @throws KeywardError `unavailable` / `invalid_input` when the database cannot be reached.
 */
export async function isStoreInitialized(options: { db?: string; dataDir?: string }): Promise<boolean> {
  if (!storeMayExist(options.db, options.dataDir)) return false;
  const raw = await openRawBackend(resolveDbUrl(options.db, options.dataDir));
  try {
    return await isInitialized(raw);
  } finally {
    await raw.close();
  }
}

/**
 * How the store at `db` / `dataDir` is unsealed (from its stored parameters; no secret), or undefined when it
 * does not exist or is not initialised. `serve` starts sealed when this says key shares.
 * @throws KeywardError `unavailable` / `invalid_input` when the database cannot be reached.
 */
export async function storeUnsealMode(options: {
  db?: string;
  dataDir?: string;
}): Promise<UnsealMode | undefined> {
  if (!storeMayExist(options.db, options.dataDir)) return undefined;
  const raw = await openRawBackend(resolveDbUrl(options.db, options.dataDir));
  try {
    return await readUnsealMode(raw);
  } finally {
    await raw.close();
  }
}

/**
 * Creates the sealed keyring of a new store (schema included). Never overwrites: an initialised store is refused.
 * @throws KeywardError `already_exists`, `invalid_input`, `unavailable`.
 * @example await initializeStorage({ dataDir: ".keyward", unseal: { passphrase } });
 */
export async function initializeStorage(options: {
  readonly db?: string;
  readonly dataDir?: string;
  readonly unseal: UnsealMaterial;
}): Promise<void> {
  const raw = await openRawBackend(resolveDbUrl(options.db, options.dataDir));
  try {
    if (await isInitialized(raw))
      throw new KeywardError("already_exists", "this store is already initialised");
    await initializeSealing(raw, options.unseal);
  } finally {
    await raw.close();
  }
}

/**
 * Rotates the root key of an open storage: the keyring is re-wrapped under `next`; secrets are untouched.
 * @throws KeywardError `conflict` (keyring changed by another instance), `unseal_failed` (unreadable `next`).
 */
export async function rotateStorageRootKey(storage: Storage, next: UnsealMaterial): Promise<void> {
  if (!(storage instanceof SealedStorage))
    throw new KeywardError("invalid_input", "storage is not a sealed storage");
  await storage.unseal();
  await rotateRootKey(storage.raw, storage.keyring, next);
}

/**
 * The sealed parts (raw backend and keyring) of an open storage, for the data-key operations of
 * `sealing/data-keys.ts` (`dataKeyStatus`, `rotateDataKey`, `resealSecrets`).
 * @throws KeywardError `invalid_input` when `storage` is not a sealed storage.
 * @example await resealSecrets(sealedParts(storage));
 */
export function sealedParts(storage: Storage): SealedParts {
  if (!(storage instanceof SealedStorage))
    throw new KeywardError("invalid_input", "storage is not a sealed storage");
  return { raw: storage.raw, keyring: storage.keyring };
}

/**
 * Unseals a lazily opened storage now (no-op when already unsealed or not a sealed storage), so a wrong
 * passphrase is reported before any work starts.
 * @throws KeywardError `unseal_failed`, `not_initialized`.
 */
export async function unsealNow(storage: Storage): Promise<void> {
  if (storage instanceof SealedStorage) await storage.unseal();
}
