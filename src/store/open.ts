// Opens a Storage from a database URL and unseal material: the one place that picks a backend.
import { join } from "node:path";
import { KeywardError } from "../errors/keyward-error.js";
import type { Storage } from "./ports.js";
import { openPostgresBackend } from "./postgres/postgres-backend.js";
import type { RawBackend } from "./raw.js";
import { SealedStorage } from "./sealed-storage.js";
import type { SealedParts } from "./sealing/data-keys.js";
import type { UnsealMaterial } from "./sealing/root-key.js";
import { initializeSealing, isInitialized, rotateRootKey, unsealKeyring } from "./sealing/unseal.js";
import { openSqliteBackend } from "./sqlite/sqlite-backend.js";

/** Where the data lives and how to unseal it. */
export interface OpenStorageOptions {
  /** `sqlite:PATH`, `postgres://…` / `postgresql://…`; default `sqlite:<dataDir>/keyward.db`. */
  readonly db?: string;
  /** Data directory (default `./.keyward`). */
  readonly dataDir?: string;
  readonly unseal: UnsealMaterial;
  /** Initialise sealing if the store is new (dev mode, tests). `keyward init` uses `initializeSealing`. */
  readonly createIfMissing?: boolean;
}

/** Resolves the database URL (`--db` / `KEYWARD_DB`, else SQLite inside the data dir). */
export function resolveDbUrl(db: string | undefined, dataDir = "./.keyward"): string {
  return db && db.length > 0 ? db : `sqlite:${join(dataDir, "keyward.db")}`;
}

/** Opens the raw backend for a URL. */
export async function openRawBackend(url: string): Promise<RawBackend> {
  if (url.startsWith("sqlite:")) return openSqliteBackend(url.slice("sqlite:".length));
  if (url.startsWith("postgres://") || url.startsWith("postgresql://")) return openPostgresBackend(url);
  throw new KeywardError("invalid_input", "db must be sqlite:PATH or postgres://…");
}

/**
 * Opens and unseals a Storage.
 * @throws KeywardError `not_initialized`, `unseal_failed`, `invalid_input`.
 * @example const storage = await openStorage({ dataDir: ".keyward", unseal: { keyFile: ".keyward/dev.key" } });
 */
export async function openStorage(options: OpenStorageOptions): Promise<Storage> {
  const raw = await openRawBackend(resolveDbUrl(options.db, options.dataDir));
  try {
    if (options.createIfMissing && !(await isInitialized(raw))) {
      try {
        await initializeSealing(raw, options.unseal);
      } catch (err) {
        if (!(err instanceof KeywardError && err.code === "already_exists")) throw err;
      }
    }
    return new SealedStorage(raw, await unsealKeyring(raw, options.unseal));
  } catch (err) {
    await raw.close();
    throw err;
  }
}

/**
 * Creates the sealed keyring of a new store (schema included). Never overwrites: an initialised store is refused.
 * @throws KeywardError `already_exists`, `invalid_input`, `unavailable`.
 * @example await initializeStorage({ dataDir: ".keyward", unseal: { passphrase } });
 */
export async function initializeStorage(options: Omit<OpenStorageOptions, "createIfMissing">): Promise<void> {
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
