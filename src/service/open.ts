// Opens the stores for a configuration: the composition root's first step.
import { KeywardError } from "../errors/keyward-error.js";
import { assertStoreExists, openStorage, storeMayExist } from "../store/open.js";
import type { Storage } from "../store/ports.js";
import type { UnsealMaterial } from "../store/sealing/root-key.js";
import type { KeywardConfig } from "./config.js";

/**
 * Opens and unseals the configured storage. With `lazyUnseal` the KDF runs only on the first secret access
 * (see `OpenStorageOptions.lazyUnseal`); a wrong or missing passphrase then fails that access, not the open.
 * @throws KeywardError `unseal_failed` when no unseal material is configured, plus openStorage's errors.
 */
export async function openConfiguredStorage(
  config: KeywardConfig,
  createIfMissing = false,
  options: { readonly lazyUnseal?: boolean } = {},
): Promise<Storage> {
  if (!createIfMissing) assertStoreExists(config.db, config.dataDir);
  if (!config.unseal && !options.lazyUnseal) {
    throw new KeywardError(
      "unseal_failed",
      "no unseal material: set KEYWARD_PASSPHRASE, --key-file / KEYWARD_KEY_FILE or KEYWARD_UNSEAL_SHARES_FILE",
    );
  }
  try {
    return await openStorage({
      db: config.db,
      dataDir: config.dataDir,
      unseal: config.unseal,
      createIfMissing,
      ...(options.lazyUnseal ? { lazyUnseal: true } : {}),
    });
  } catch (err) {
    throw err instanceof KeywardError && err.code === "unseal_failed" && config.unseal
      ? withUnsealSource(err, config.unseal)
      : err;
  }
}

/** Which unseal material was tried, for an `unseal_failed` message (a path or the variable's name, never a value). */
export function unsealSource(unseal: UnsealMaterial): string {
  if ("keyFile" in unseal) return `key file ${unseal.keyFile}`;
  if ("sharesFile" in unseal) return `shares file ${unseal.sharesFile}`;
  if ("shares" in unseal) return "the key shares given";
  return "passphrase" in unseal ? "the passphrase in KEYWARD_PASSPHRASE" : "the key given";
}

function withUnsealSource(err: KeywardError, unseal: UnsealMaterial): KeywardError {
  const source = unsealSource(unseal);
  if (err.message.includes(source)) return err;
  return new KeywardError(
    "unseal_failed",
    `${err.message} (tried ${source})`,
    err.details ? { ...err.details } : undefined,
  );
}

/** True when the configured store may exist (SQLite: its file is there; PostgreSQL: always). Creates nothing. */
export function configuredStoreMayExist(config: KeywardConfig): boolean {
  return storeMayExist(config.db, config.dataDir);
}
