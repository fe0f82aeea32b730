// Ports the delegates domain needs from elsewhere: an audit sink and a clock (wired by src/service/).
import type { Storage, StorageTx } from "../store/ports.js";

/** A non-secret audit event: `kind` like "delegate.migrated", `subject` the thing it is about. */
export interface DelegatesAuditEvent {
  readonly kind: string;
  readonly subject: string;
  /** Who caused it: the caller the surface authenticated (`token:<id>`, "cli"); absent for background work. */
  readonly actor?: string | undefined;
  readonly data: Readonly<Record<string, string | number | boolean | null | readonly string[]>>;
}

/**
 * Where the domain records what it did. `append` runs inside the caller's transaction so the event commits
 * (or rolls back) together with the change it describes.
 */
export interface AuditSink {
  append(tx: StorageTx, event: DelegatesAuditEvent): Promise<unknown>;
}

/** What every delegates component runs on. `now` is epoch milliseconds (injectable for tests). */
export interface DelegatesContext {
  readonly storage: Storage;
  readonly audit: AuditSink;
  readonly now: () => number;
}
