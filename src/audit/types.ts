// Audit domain types: the event a domain appends, the stored entry, the verification result and the sink port.
import type { CanonicalValue } from "../crypto/canonical.js";
import type { StorageTx } from "../store/ports.js";

/**
 * One event as a domain reports it. `data` is stored in clear (canonically encoded); `sensitive` values are
 * stored only as HMAC-SHA-256 under the audit key (e.g. a message hash, an e-mail address).
 */
export interface AuditEvent {
  /** Dotted event kind owned by the emitting domain, e.g. "custody.sign". */
  readonly kind: string;
  /** What the event is about (a non-secret reference such as a partition/address path). */
  readonly subject: string;
  /** Who caused it (a token id, a CLI user), when known. */
  readonly actor?: string | undefined;
  readonly data?: Readonly<Record<string, CanonicalValue>> | undefined;
  readonly sensitive?: Readonly<Record<string, string>> | undefined;
}

/** One stored, chained entry. Byte fields are lower-case hex. */
export interface AuditEntry {
  /** 1, 2, 3 … without gaps. */
  readonly seq: number;
  /** Milliseconds since the Unix epoch when the entry was appended. */
  readonly time: number;
  /** Hash of the previous entry (64 zeros for seq 1). */
  readonly prev: string;
  /** Canonical body bytes (tag "keyward v1 audit-body"), see docs/wire-format.md. */
  readonly body: string;
  /** The entry's hash: SHA-256 of its fixed layout (v3 rows), BLAKE3 of its canonical form (earlier rows). */
  readonly hash: string;
  /** HMAC-SHA-256 of `hash` under the audit MAC key: an attacker with database access cannot re-chain. */
  readonly mac: string;
}

/** What `AuditLog.verify` found. */
export interface AuditVerifyResult {
  readonly ok: boolean;
  /** Entries checked and found intact (those before the first bad one). */
  readonly entries: number;
  /** The first sequence number that is missing, modified, out of place or unexpected. */
  readonly firstBadSeq?: number;
  readonly reason?: string;
}

/**
 * The port other domains mirror: append an event inside the caller's transaction so that the operation and
 * its audit entry commit together (or neither does).
 */
export interface AuditSink {
  append(tx: StorageTx, event: AuditEvent): Promise<unknown>;
  /** Several events in order, in one transaction (optional: sinks without it get one `append` per event). */
  appendMany?(tx: StorageTx, events: readonly AuditEvent[]): Promise<unknown>;
}
