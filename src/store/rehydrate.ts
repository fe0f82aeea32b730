// Rehydration (seed 001, Option A): records hold a reference to their secret plus the public key, never the secret.
import { assertFunction, assertString } from "../crypto/assert.js";
import { equalBytes } from "../crypto/bytes.js";
import type { Secret } from "../crypto/secret.js";
import { InputRangeError, InputTypeError } from "../errors/input-errors.js";
import { KeywardError } from "../errors/keyward-error.js";
import type { Storage } from "./ports.js";
import type { RecordTable } from "./records.js";

/** Where a record's secret lives in the SecretStore. */
export interface SecretRef {
  readonly namespace: string;
  readonly name: string;
}

/** How one kind of persisted record finds and checks its secret. */
export interface RehydrationSpec<R> {
  /** The state table of the records (their codec refuses a Secret, so the record cannot carry one). */
  readonly table: RecordTable<R>;
  /** The record's secret reference. */
  secretRef(record: R): SecretRef;
  /** The public key persisted in the record. */
  publicKey(record: R): Uint8Array;
  /** Derives the public key from the fetched secret (e.g. Ed25519 seed → verifying key). */
  derivePublicKey(secret: Secret, record: R): Uint8Array;
}

/** Why a record was not restored. */
export type RehydrationReason = "secret_missing" | "public_key_mismatch" | "decrypt_failed" | "io_error";

/**
 * What happened to one record: `restored`; `dropped` (its secret is gone: the record was deleted, it can never
 * be used again); `kept` (left in place, not restored: a failure that may be transient or needs an operator).
 */
export type RehydrationEvent =
  | { readonly type: "restored"; readonly key: string }
  | { readonly type: "dropped"; readonly key: string; readonly reason: "secret_missing" }
  | {
      readonly type: "kept";
      readonly key: string;
      readonly reason: Exclude<RehydrationReason, "secret_missing">;
      readonly error?: unknown;
    };

/** A restored record and its secret (the caller owns the Secret and wipes it when done). */
export interface Rehydrated<R> {
  readonly key: string;
  readonly record: R;
  readonly secret: Secret;
}

/** The outcome of rehydrating a table. */
export interface RehydrationReport<R> {
  readonly restored: Rehydrated<R>[];
  readonly dropped: string[];
  readonly kept: string[];
}

function assertSpec<R>(spec: RehydrationSpec<R>): void {
  if (typeof spec !== "object" || spec === null) throw new InputTypeError("spec must be an object");
  assertFunction(spec.secretRef, "spec.secretRef");
  assertFunction(spec.publicKey, "spec.publicKey");
  assertFunction(spec.derivePublicKey, "spec.derivePublicKey");
}

/**
 * Persists a record and its secret together (one transaction), after checking that the secret derives the
 * record's public key. The record itself never holds the secret.
 * @throws {RangeError} when the secret does not match the record's public key. KeywardError `invalid_input`
 * when the record contains a Secret.
 */
export async function persistWithSecret<R>(
  storage: Storage,
  spec: RehydrationSpec<R>,
  key: string,
  record: R,
  secret: Secret,
): Promise<void> {
  assertSpec(spec);
  assertString(key, "key");
  if (!equalBytes(spec.derivePublicKey(secret, record), spec.publicKey(record)))
    throw new InputRangeError("secret does not match the record's public key");
  const ref = spec.secretRef(record);
  await storage.transaction(async (tx) => {
    await tx.secrets.put(ref.namespace, ref.name, secret);
    await spec.table.put(tx.state, key, record);
  });
}

/**
 * Restores one record: fetches its secret and checks the derived public key against the persisted one.
 * A missing secret drops the record (deleted, event `dropped`); any other failure keeps it (event `kept`).
 * @returns the restored record and secret, or undefined when not restored (see the event).
 */
export async function rehydrateOne<R>(
  storage: Storage,
  spec: RehydrationSpec<R>,
  key: string,
  record: R,
  onEvent: (event: RehydrationEvent) => void = () => undefined,
): Promise<Rehydrated<R> | undefined> {
  assertSpec(spec);
  assertString(key, "key");
  assertFunction(onEvent, "onEvent");
  const ref = spec.secretRef(record);
  let secret: Secret | undefined;
  try {
    secret = await storage.secrets.get(ref.namespace, ref.name);
  } catch (error) {
    const reason =
      error instanceof KeywardError && error.code === "decrypt_failed" ? "decrypt_failed" : "io_error";
    onEvent({ type: "kept", key, reason, error });
    return undefined;
  }
  if (!secret) {
    // Re-check inside a transaction: a writer may have just stored the secret with a replacement record.
    let outcome: "dropped" | "gone" | "reappeared";
    try {
      outcome = await storage.transaction(async (tx) => {
        if (await tx.secrets.has(ref.namespace, ref.name)) return "reappeared";
        return (await spec.table.delete(tx.state, key)) ? "dropped" : "gone";
      });
    } catch (error) {
      onEvent({ type: "kept", key, reason: "io_error", error });
      return undefined;
    }
    if (outcome === "dropped") onEvent({ type: "dropped", key, reason: "secret_missing" });
    if (outcome !== "reappeared") return undefined;
    let current: R | undefined;
    try {
      current = await spec.table.get(storage.state, key);
    } catch (error) {
      onEvent({ type: "kept", key, reason: "io_error", error });
      return undefined;
    }
    return current === undefined ? undefined : rehydrateOne(storage, spec, key, current, onEvent);
  }
  let matches = false;
  try {
    matches = equalBytes(spec.derivePublicKey(secret, record), spec.publicKey(record));
  } catch {
    matches = false;
  }
  if (!matches) {
    secret.wipe();
    onEvent({ type: "kept", key, reason: "public_key_mismatch" });
    return undefined;
  }
  onEvent({ type: "restored", key });
  return { key, record, secret };
}

/**
 * Restores every record of `spec.table` (e.g. at start, after a restart).
 * @example
 * const report = await rehydrateAll(storage, sessionSpec, (e) => log.info(e, "rehydration"));
 * for (const { record, secret } of report.restored) sessions.resume(record, secret);
 */
export async function rehydrateAll<R>(
  storage: Storage,
  spec: RehydrationSpec<R>,
  onEvent: (event: RehydrationEvent) => void = () => undefined,
): Promise<RehydrationReport<R>> {
  assertSpec(spec);
  const records: { key: string; value: R }[] = [];
  // Collect first: dropping a record while a scan over the same table is open would race the scan's batches.
  for await (const e of spec.table.scan(storage.state)) records.push(e);
  const report: RehydrationReport<R> = { restored: [], dropped: [], kept: [] };
  for (const { key, value } of records) {
    const restored = await rehydrateOne(storage, spec, key, value, (event) => {
      if (event.type === "dropped") report.dropped.push(event.key);
      if (event.type === "kept") report.kept.push(event.key);
      onEvent(event);
    });
    if (restored) report.restored.push(restored);
  }
  return report;
}
