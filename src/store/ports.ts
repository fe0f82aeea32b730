// Storage ports: StateStore (ordinary records) and SecretStore (sealed secrets), plus a transaction spanning both.
import type { Secret } from "../crypto/secret.js";

/** One state entry returned by a scan. */
export interface StateEntry {
  readonly key: string;
  readonly value: Uint8Array;
}

/**
 * Scan bounds inside one table. Keys compare by their UTF-8 bytes (memcmp order) on every backend.
 * `prefix` combines with `gte`/`gt`/`lt`/`lte`.
 */
export interface ScanOptions {
  readonly prefix?: string;
  readonly gte?: string;
  readonly gt?: string;
  readonly lt?: string;
  readonly lte?: string;
  readonly limit?: number;
  readonly reverse?: boolean;
}

/** Read side of the state store. A "table" is a namespace owned by one domain (e.g. "custody.identity"). */
export interface StateReader {
  get(table: string, key: string): Promise<Uint8Array | undefined>;
  /** Streams entries in key order (batched internally; constant memory). */
  scan(table: string, options?: ScanOptions): AsyncIterable<StateEntry>;
}

/** Write side of the state store. Values are opaque bytes (see `RecordTable` for typed records). */
export interface StateWriter extends StateReader {
  put(table: string, key: string, value: Uint8Array): Promise<void>;
  /**
   * Creates the entry only if the key is absent; returns false when it already exists. Atomic across
   * instances sharing a database: the primitive for single-use tokens, tombstones and generation claims.
   */
  insert(table: string, key: string, value: Uint8Array): Promise<boolean>;
  /** Deletes; returns whether an entry existed. */
  delete(table: string, key: string): Promise<boolean>;
}

/** Read side of the secret store; values come back as `Secret` (already unsealed). */
export interface SecretReader {
  get(namespace: string, name: string): Promise<Secret | undefined>;
  has(namespace: string, name: string): Promise<boolean>;
  /** Names in a namespace (optionally with a prefix), in byte order. Names are not secret. */
  list(namespace: string, prefix?: string): Promise<string[]>;
}

/** Write side of the secret store. Every value is sealed before it reaches the backend. */
export interface SecretWriter extends SecretReader {
  put(namespace: string, name: string, value: Secret): Promise<void>;
  delete(namespace: string, name: string): Promise<boolean>;
}

/** The stores visible inside one transaction: all writes commit together or not at all. */
export interface StorageTx {
  readonly state: StateWriter;
  readonly secrets: SecretWriter;
}

/**
 * An open storage: auto-committing `state`/`secrets`, and `transaction()` for multi-step changes
 * (DESIGN Invariant 5). Transactions may be retried by the backend on serialization failures, so `fn`
 * must not have side effects outside the stores.
 */
export interface Storage {
  readonly backend: "sqlite" | "postgres";
  readonly state: StateWriter;
  readonly secrets: SecretWriter;
  transaction<T>(fn: (tx: StorageTx) => Promise<T>): Promise<T>;
  /** True while writes fail for an environment reason (disk full, read-only): not ready. */
  writeFailing?(): boolean;
  close(): Promise<void>;
}
