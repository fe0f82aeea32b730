// Initialising and unsealing a store: root-key parameters and the wrapped keyring live in the backend's meta.
import { bytesToHex, wipe } from "../../crypto/bytes.js";
import { randomBytes } from "../../crypto/random.js";
import { KeywardError } from "../../errors/keyward-error.js";
import type { RawBackend, RawTx } from "../raw.js";
import {
  KEYRING_PREFIX,
  Keyring,
  keyringKey,
  keyringVersion,
  unwrapDataKey,
  wrapDataKey,
} from "./keyring.js";
import {
  newRootKeyParams,
  type RootKeyParams,
  resolveRootKey,
  type UnsealMaterial,
  type UnsealMode,
  unsealModeOf,
} from "./root-key.js";

const PARAMS_KEY = "root-params";
const enc = new TextEncoder();
const dec = new TextDecoder();

async function readParams(tx: RawTx): Promise<RootKeyParams | undefined> {
  const raw = await tx.metaGet(PARAMS_KEY);
  return raw ? (JSON.parse(dec.decode(raw)) as RootKeyParams) : undefined;
}

/** How the backend's keyring is unsealed (passphrase, key file, or N key shares of which K unseal); undefined when new. */
export async function readUnsealMode(raw: RawBackend): Promise<UnsealMode | undefined> {
  const params = await readParams(raw.direct);
  return params ? unsealModeOf(params) : undefined;
}

/** True when the backend already holds a sealed keyring. */
export async function isInitialized(raw: RawBackend): Promise<boolean> {
  return (await readParams(raw.direct)) !== undefined;
}

/**
 * Creates root-key parameters and data key v1. Refuses (`already_exists`) when already initialised, so an
 * existing keyring is never overwritten. Safe against two instances racing (one wins, the other unseals).
 */
export async function initializeSealing(raw: RawBackend, material: UnsealMaterial): Promise<void> {
  const params = newRootKeyParams(material);
  const rootKey = await resolveRootKey(material, params);
  const dataKey = randomBytes(32);
  try {
    await raw.transaction(async (tx) => {
      if (await readParams(tx)) throw new KeywardError("already_exists", "this store is already initialised");
      await tx.metaPut(PARAMS_KEY, enc.encode(JSON.stringify(params)));
      await tx.metaPut(keyringKey(1), wrapDataKey(rootKey, 1, dataKey));
    });
  } finally {
    wipe(rootKey, dataKey);
  }
}

/**
 * Derives the root key and unwraps every data key, reading the meta rows through `via` (default: auto-commit).
 * @throws KeywardError `not_initialized` (no keyring yet) or `unseal_failed` (wrong passphrase/key file).
 */
export async function unsealKeyring(
  raw: RawBackend,
  material: UnsealMaterial,
  via: RawTx = raw.direct,
): Promise<Keyring> {
  const params = await readParams(via);
  if (!params)
    throw new KeywardError("not_initialized", "store is not initialised: run `keyward init` first");
  const rootKey = await resolveRootKey(material, params);
  const keyring = new Keyring();
  try {
    for (const { key, value } of await via.metaList(KEYRING_PREFIX)) {
      const version = keyringVersion(key);
      keyring.add(version, unwrapDataKey(rootKey, version, value));
    }
    keyring.setRootKey(rootKey);
  } catch (err) {
    keyring.wipe();
    throw err;
  } finally {
    wipe(rootKey);
  }
  if (keyring.activeVersion === 0) throw new KeywardError("unseal_failed", "keyring is empty");
  return keyring;
}

/**
 * Rotates the root key: re-wraps every data key under the new material in one transaction. Secrets are not
 * touched (they stay sealed by their data keys). The old material stops working.
 * @throws KeywardError `conflict` when another instance added a data key since `keyring` was unsealed.
 * @example await rotateRootKey(storage.raw, storage.keyring, { passphrase: newPassphrase });
 */
export async function rotateRootKey(raw: RawBackend, keyring: Keyring, next: UnsealMaterial): Promise<void> {
  const params = newRootKeyParams(next);
  const rootKey = await resolveRootKey(next, params);
  try {
    await raw.transaction(async (tx) => {
      // A data key added by another instance since this keyring was unsealed would stay wrapped by the old
      // root key and become unreadable: refuse instead of losing it.
      const stored = (await tx.metaList(KEYRING_PREFIX)).map((e) => keyringVersion(e.key));
      if (stored.some((v) => !keyring.versions.includes(v)))
        throw new KeywardError("conflict", "the keyring changed since it was unsealed: reopen and retry");
      for (const v of keyring.versions)
        await tx.metaPut(keyringKey(v), wrapDataKey(rootKey, v, keyring.keyFor(v)));
      await tx.metaPut(PARAMS_KEY, enc.encode(JSON.stringify(params)));
    });
    keyring.setRootKey(rootKey);
  } finally {
    wipe(rootKey);
  }
}

/**
 * Adds a new data key (version + 1) wrapped under the current root key; new secrets are sealed with it.
 * Needs the current unseal material to wrap it.
 */
export async function addDataKey(
  raw: RawBackend,
  keyring: Keyring,
  material: UnsealMaterial,
): Promise<number> {
  const params = await readParams(raw.direct);
  if (!params) throw new KeywardError("not_initialized", "store is not initialised");
  const rootKey = await resolveRootKey(material, params);
  const dataKey = randomBytes(32);
  const version = keyring.activeVersion + 1;
  try {
    // Check the material first: it must unwrap the active key.
    wipe(
      unwrapDataKey(
        rootKey,
        keyring.activeVersion,
        (await raw.direct.metaGet(keyringKey(keyring.activeVersion))) ?? new Uint8Array(),
      ),
    );
    await raw.transaction(async (tx) => {
      if (await tx.metaGet(keyringKey(version)))
        throw new KeywardError("conflict", "data key version already exists");
      await tx.metaPut(keyringKey(version), wrapDataKey(rootKey, version, dataKey));
    });
    keyring.add(version, dataKey);
    return version;
  } catch (err) {
    wipe(dataKey);
    throw err;
  } finally {
    wipe(rootKey);
  }
}

/** A new random 32-byte unseal key as key-file content (hex + newline) for `keyward init` and dev mode; the bytes are wiped. */
export function newKeyFileContent(): string {
  const key = randomBytes(32);
  const hex = bytesToHex(key);
  wipe(key);
  return `${hex}\n`;
}
