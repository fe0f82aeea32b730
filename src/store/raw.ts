// The raw backend port: unsealed rows as a backend stores them. Only store/ sees this; domains see Storage.
import type { LogWriter, StateWriter, TxLocks } from "./ports.js";

/** A sealed secret as stored: the data-key version that sealed it and the AEAD output. */
export interface RawSecretRow {
  readonly keyVersion: number;
  readonly sealed: Uint8Array;
}

/** Backend operations available inside one unit of work (a transaction or a single auto-commit step). */
export interface RawTx {
  readonly state: StateWriter;
  /** The append-only log (appends belong in transactions; an auto-commit append is one statement). */
  readonly log: LogWriter;
  secretGet(namespace: string, name: string): Promise<RawSecretRow | undefined>;
  secretPut(namespace: string, name: string, row: RawSecretRow): Promise<void>;
  secretDelete(namespace: string, name: string): Promise<boolean>;
  secretList(namespace: string, prefix?: string): Promise<string[]>;
  /** Every sealed row (for data-key re-encryption), batched by the backend. */
  secretScanAll(): AsyncIterable<{ namespace: string; name: string; row: RawSecretRow }>;
  metaGet(key: string): Promise<Uint8Array | undefined>;
  metaPut(key: string, value: Uint8Array): Promise<void>;
  metaList(prefix: string): Promise<{ key: string; value: Uint8Array }[]>;
}

/** A storage backend before sealing: SQLite or PostgreSQL. */
export interface RawBackend {
  readonly backend: "sqlite" | "postgres";
  /**
   * A directory next to a database file for data derived from it that is faster read as a file (the delegation
   * index snapshot, which the database names and checksums); undefined for PostgreSQL and `:memory:`.
   */
  readonly derivedDir?: string;
  /** Runs `fn` in one transaction (retried by the backend on serialization failure), with its named locks. */
  transaction<T>(fn: (tx: RawTx & TxLocks) => Promise<T>): Promise<T>;
  /** Auto-commit operations (each call its own statement). */
  readonly direct: RawTx;
  /** True while writes fail for an environment reason (disk full, read-only); readiness reports it. */
  writeFailing?(): boolean;
  close(): Promise<void>;
}
