// Storage ports: StateStore (ordinary records), SecretStore (sealed secrets), the append-only log, and transactions.
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
  /**
   * Reads many keys of one table in as few statements as the backend allows (bulk import): `result[i]` is the
   * value of `keys[i]`, or undefined.
   */
  getMany(table: string, keys: readonly string[]): Promise<(Uint8Array | undefined)[]>;
}

/** One entry of `insertMany`. */
export interface StateInsert {
  readonly key: string;
  readonly value: Uint8Array;
}

/** Write side of the state store. Values are opaque bytes (see `RecordTable` for typed records). */
export interface StateWriter extends StateReader {
  put(table: string, key: string, value: Uint8Array): Promise<void>;
  /**
   * Creates the entry only if the key is absent; returns false when it already exists. Atomic across
   * instances sharing a database: the primitive for single-use tokens, tombstones and generation claims.
   */
  insert(table: string, key: string, value: Uint8Array): Promise<boolean>;
  /**
   * Create-only inserts of many entries of one table with multi-row statements (bulk import); returns how many
   * were created (an entry whose key exists is left as it is, like `insert`). Atomic only inside a transaction.
   */
  insertMany(table: string, entries: readonly StateInsert[]): Promise<number>;
  /** Deletes; returns whether an entry existed. */
  delete(table: string, key: string): Promise<boolean>;
}

/** One row of the append-only log: its sequence number (1, 2, 3 …) and opaque bytes. */
export interface LogRow {
  readonly seq: number;
  readonly value: Uint8Array;
}

/** Bounds of a log scan, inclusive (`from` ≤ seq ≤ `to`). */
export interface LogScanOptions {
  readonly from?: number;
  readonly to?: number;
  readonly limit?: number;
  readonly reverse?: boolean;
}

/**
 * Read side of the append-only log: rows numbered by an integer sequence in a table of their own (a rowid
 * table on SQLite, a bigint key on PostgreSQL), the audit chain's storage. One log per store.
 */
export interface LogReader {
  get(seq: number): Promise<Uint8Array | undefined>;
  /** The row with the highest sequence number; undefined when the log is empty. */
  last(): Promise<LogRow | undefined>;
  /** Streams rows in sequence order (batched internally; constant memory). */
  scan(options?: LogScanOptions): AsyncIterable<LogRow>;
}

/** Write side of the append-only log: rows are only ever added (no update, no delete). */
export interface LogWriter extends LogReader {
  /**
   * Create-only appends in one statement per batch; returns how many rows were created (a row whose sequence
   * number exists is left as it is, like `StateWriter.insert`, so a lost race is seen as a short count).
   */
  append(rows: readonly LogRow[]): Promise<number>;
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

/** How a transaction holds a lock: many `shared` holders at once, or one `exclusive` holder alone. */
export type LockMode = "shared" | "exclusive";

/**
 * Named locks held until the transaction ends (commit or rollback), across every instance sharing the database.
 * `lock(scope, keys, mode)` takes `keys` of `scope` (a table-like name owned by one domain) in a fixed global
 * order, so two transactions locking overlapping sets never deadlock on each other. Taken as the transaction's
 * first operation, a lock is held before the transaction reads anything: it sees everything committed by the
 * previous holder and never retries because of it (on PostgreSQL; on SQLite every transaction is already the only
 * writer). Taken later, it still excludes, and a conflict with what was read before costs a retry.
 */
export interface TxLocks {
  lock(scope: string, keys: string | readonly string[], mode: LockMode): Promise<void>;
}

/** The stores visible inside one transaction: all writes commit together or not at all. */
export interface StorageTx extends TxLocks {
  readonly state: StateWriter;
  readonly secrets: SecretWriter;
  readonly log: LogWriter;
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
  /** The append-only log, read side: rows are appended only inside `transaction()` (`tx.log`). */
  readonly log: LogReader;
  /** Directory for derived files next to a SQLite database file (RawBackend.derivedDir); else undefined. */
  readonly derivedDir?: string | undefined;
  transaction<T>(fn: (tx: StorageTx) => Promise<T>): Promise<T>;
  /** True while writes fail for an environment reason (disk full, read-only): not ready. */
  writeFailing?(): boolean;
  close(): Promise<void>;
}
