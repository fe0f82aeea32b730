// Opens the stores for a configuration: the composition root's first step.
import { KeywardError } from "../errors/keyward-error.js";
import { openStorage } from "../store/open.js";
import type { Storage } from "../store/ports.js";
import type { KeywardConfig } from "./config.js";

/**
 * Opens and unseals the configured storage.
 * @throws KeywardError `unseal_failed` when no unseal material is configured, plus openStorage's errors.
 */
export async function openConfiguredStorage(
  config: KeywardConfig,
  createIfMissing = false,
): Promise<Storage> {
  if (!config.unseal) {
    throw new KeywardError(
      "unseal_failed",
      "no unseal material: set KEYWARD_PASSPHRASE or --key-file / KEYWARD_KEY_FILE",
    );
  }
  return openStorage({ db: config.db, dataDir: config.dataDir, unseal: config.unseal, createIfMissing });
}
