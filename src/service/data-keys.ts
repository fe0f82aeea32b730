// Data-key operations over an open storage, for the CLI and HTTP: status, rotation and re-sealing.
import { sealedParts } from "../store/open.js";
import type { Storage } from "../store/ports.js";
import {
  type DataKeyStatus,
  dataKeyStatus,
  type ResealResult,
  resealSecrets,
  rotateDataKey,
} from "../store/sealing/data-keys.js";
import type { UnsealMaterial } from "../store/sealing/root-key.js";

export type { DataKeyStatus, ResealResult };

/** The active data key and how many secrets each version seals. */
export function storageDataKeyStatus(storage: Storage): Promise<DataKeyStatus> {
  return dataKeyStatus(sealedParts(storage));
}

/**
 * Adds a data key (wrapped under the root key from `material`) and makes it active for new secrets.
 * @throws KeywardError `unseal_failed` when `material` does not open the keyring.
 */
export function rotateStorageDataKey(storage: Storage, material: UnsealMaterial): Promise<number> {
  return rotateDataKey(sealedParts(storage), material);
}

/** Re-seals every secret not sealed with the active data key, in resumable batches. */
export function resealStorageSecrets(
  storage: Storage,
  options: { onProgress?: (done: number, total: number) => void } = {},
): Promise<ResealResult> {
  return resealSecrets(sealedParts(storage), options);
}
