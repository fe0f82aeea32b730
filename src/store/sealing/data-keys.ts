// Data-key rotation for an open sealed storage: a new data key for new secrets, the count of secrets per key,
// and re-sealing existing secrets under the active key (in batches, each one transaction).

import { assertInteger } from "../../crypto/assert.js";
import { equalBytes, wipe } from "../../crypto/bytes.js";
import { KeywardError } from "../../errors/keyward-error.js";
import type { RawBackend, RawSecretRow } from "../raw.js";
import { KEYRING_PREFIX, type Keyring, keyringVersion } from "./keyring.js";
import type { UnsealMaterial } from "./root-key.js";
import { addDataKey } from "./unseal.js";

/** What `dataKeyStatus` reports. */
export interface DataKeyStatus {
  /** The version new secrets are sealed with. */
  readonly active: number;
  /** Every data key version in the keyring. */
  readonly versions: number[];
  /** Sealed secrets per data key version (versions without secrets are absent). */
  readonly secrets: Record<string, number>;
}

/** The result of `resealSecrets`. */
export interface ResealResult {
  readonly active: number;
  /** Secrets re-sealed under the active key. */
  readonly resealed: number;
  /** Secrets changed or deleted by someone else between the scan and their batch (left as they are). */
  readonly skipped: number;
}

/** The parts of a sealed storage these operations need. */
export interface SealedParts {
  readonly raw: RawBackend;
  readonly keyring: Keyring;
}

/** Loads every data key version stored in the keyring, including ones other instances added. */
async function loadAllVersions(s: SealedParts): Promise<number[]> {
  const stored = await s.raw.direct.metaList(KEYRING_PREFIX);
  const versions = stored.map((e) => keyringVersion(e.key)).filter((v) => v >= 1);
  for (const v of versions) await s.keyring.ensure(v, (k) => s.raw.direct.metaGet(k));
  return versions.sort((a, b) => a - b);
}

/**
 * The active data key and how many secrets each version seals.
 * @example const { active, secrets } = await dataKeyStatus(storage);
 */
export async function dataKeyStatus(s: SealedParts): Promise<DataKeyStatus> {
  const versions = await loadAllVersions(s);
  const secrets: Record<string, number> = {};
  for await (const { row } of s.raw.direct.secretScanAll())
    secrets[row.keyVersion] = (secrets[row.keyVersion] ?? 0) + 1;
  return { active: s.keyring.activeVersion, versions, secrets };
}

/**
 * Adds data key version n + 1 (wrapped under the root key that `material` derives); new secrets use it.
 * Other instances sharing the database pick it up when they first meet a secret sealed with it.
 * @throws KeywardError `unseal_failed` (wrong material), `conflict` (another instance added it first).
 */
export async function rotateDataKey(s: SealedParts, material: UnsealMaterial): Promise<number> {
  await loadAllVersions(s);
  return addDataKey(s.raw, s.keyring, material);
}

/**
 * Re-seals every secret that is not under the active data key, `batch` secrets per transaction. Each row is
 * read again inside its transaction and left alone if it changed since the scan, so concurrent writers never
 * lose a write. Safe to interrupt and run again: it continues with what is left.
 * @throws KeywardError `decrypt_failed` when a secret does not open (tampered); its batch is rolled back.
 */
export async function resealSecrets(
  s: SealedParts,
  opts: { batch?: number; onProgress?: (done: number, total: number) => void | Promise<void> } = {},
): Promise<ResealResult> {
  const size = opts.batch ?? 500;
  assertInteger(size, 1, 100_000, "batch");
  await loadAllVersions(s);
  const active = s.keyring.activeVersion;
  if (active < 1) throw new KeywardError("not_initialized", "store has no data key");
  let total = 0;
  for await (const { row } of s.raw.direct.secretScanAll()) if (row.keyVersion !== active) total++;
  let resealed = 0;
  let skipped = 0;
  await opts.onProgress?.(0, total);
  const flush = async (rows: { namespace: string; name: string; row: RawSecretRow }[]) => {
    // Counted from the committed result: Postgres may run the function again after a serialization failure.
    const r = await s.raw.transaction(async (tx) => {
      let done = 0;
      for (const { namespace, name, row } of rows) {
        const current = await tx.secretGet(namespace, name);
        if (!current || current.keyVersion === active || !equalBytes(current.sealed, row.sealed)) continue;
        await s.keyring.ensure(current.keyVersion, (k) => tx.metaGet(k));
        const plain = s.keyring.open(namespace, name, current);
        try {
          await tx.secretPut(namespace, name, s.keyring.seal(namespace, name, plain));
        } finally {
          wipe(plain);
        }
        done++;
      }
      return done;
    });
    resealed += r;
    skipped += rows.length - r;
    // Awaited: a caller's progress hook may do work that must land between two batches.
    await opts.onProgress?.(resealed + skipped, total);
  };
  let pending: { namespace: string; name: string; row: RawSecretRow }[] = [];
  for await (const entry of s.raw.direct.secretScanAll()) {
    if (entry.row.keyVersion === active) continue;
    pending.push(entry);
    if (pending.length >= size) {
      await flush(pending);
      pending = [];
    }
  }
  if (pending.length > 0) await flush(pending);
  return { active, resealed, skipped };
}
