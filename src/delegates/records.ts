// Delegates domain records and their state tables: every byte field is hex, no record ever holds a secret.
import { RecordTable } from "../store/records.js";

/** One key of an app's key chain; `rotation` is absent for the first (registered) key. */
export interface AppKeyRecord {
  readonly sequence: number;
  readonly publicKey: string;
  readonly addedAt: number;
  /** The rotation statement's signature by the previous key (hex). */
  readonly rotationSignature?: string;
}

/** A registered app: its name and its key chain (last entry = current key). */
export interface AppRecord {
  readonly name: string;
  readonly keys: readonly AppKeyRecord[];
  readonly registeredAt: number;
}

/** Index entry: which app (and which chain position) a public key belongs to. */
export interface AppKeyIndexRecord {
  readonly app: string;
  readonly sequence: number;
}

/** A revocation of a delegate version, signed by the app's then-current key. */
export interface RevocationRecord {
  readonly appKey: string;
  readonly reason: string;
  readonly signature: string;
  readonly at: number;
}

/** A registered delegate version: code-addressed, certified by one of the app's keys. */
export interface VersionRecord {
  readonly delegateKey: string;
  readonly app: string;
  readonly version: number;
  readonly codeHash: string;
  readonly params: string;
  readonly appKey: string;
  readonly signature: string;
  readonly registeredAt: number;
  readonly revoked?: RevocationRecord;
}

/** Written once when a delegate's secrets moved away: the delegate accepts nothing afterwards. */
export interface TombstoneRecord {
  readonly to: string;
  readonly migration: string;
  readonly at: number;
}

/** A migration token as stored: only its hash is the key, never the token. */
export interface TokenRecord {
  readonly id: string;
  readonly from: string;
  readonly to: string;
  readonly issuedAt: number;
  readonly expiresAt: number;
}

/** The consumed marker of a token (insert-once: the single-use guarantee). */
export interface TokenUseRecord {
  readonly migration: string;
  readonly from: string;
  readonly to: string;
  readonly at: number;
}

/** A completed migration. */
export interface MigrationRecord {
  readonly id: string;
  readonly app: string;
  readonly from: string;
  readonly to: string;
  readonly fromVersion: number;
  readonly toVersion: number;
  readonly moved: number;
  /** Names the target already held: the target's (newer) value was kept, the source's discarded. */
  readonly conflicts: readonly string[];
  readonly token: string;
  readonly at: number;
}

/** Where a session's signing seed lives in the SecretStore (a reference, never the seed). */
export interface SecretRef {
  readonly namespace: string;
  readonly name: string;
}

/** What a session may sign. */
export interface SessionPolicyRecord {
  /** Hex prefix every signed message must start with ("" = any message). */
  readonly messagePrefix: string;
  readonly maxUses: number;
  /** Epoch milliseconds after which the session signs nothing. */
  readonly expiresAt: number;
}

/** A persisted delegated session (seed 001, Option A): public key + secret reference only. */
export interface SessionRecord {
  readonly id: string;
  readonly delegate: string;
  readonly publicKey: string;
  readonly secret: SecretRef;
  readonly policy: SessionPolicyRecord;
  readonly uses: number;
  readonly createdAt: number;
}

/** A pending action: sign `message` with the session key once `fireAt` has passed. */
export interface ActionRecord {
  readonly id: string;
  readonly session: string;
  readonly fireAt: number;
  readonly message: string;
  readonly createdAt: number;
}

/** The outcome of a fired action (insert-once: the exactly-once claim). */
export interface FiredRecord {
  readonly id: string;
  readonly session: string;
  readonly fireAt: number;
  readonly firedAt: number;
  /** Hex signature when the policy allowed it. */
  readonly signature?: string;
  /** Error code when the policy refused it (the action is consumed either way). */
  readonly refused?: string;
}

/** The delegates domain's state tables. */
export const TABLES = {
  app: new RecordTable<AppRecord>("delegates.app"),
  appKey: new RecordTable<AppKeyIndexRecord>("delegates.app-key"),
  version: new RecordTable<VersionRecord>("delegates.version"),
  /** `${app}/${padded version}` → delegate key: one delegate per (app, version). */
  appVersion: new RecordTable<{ readonly delegateKey: string }>("delegates.app-version"),
  tombstone: new RecordTable<TombstoneRecord>("delegates.tombstone"),
  token: new RecordTable<TokenRecord>("delegates.token"),
  tokenUse: new RecordTable<TokenUseRecord>("delegates.token-use"),
  migration: new RecordTable<MigrationRecord>("delegates.migration"),
  session: new RecordTable<SessionRecord>("delegates.session"),
  /** `${delegate}/${session id}` → {}: sessions of one delegate (moved on migration). */
  sessionByDelegate: new RecordTable<{ readonly id: string }>("delegates.session-by-delegate"),
  /** `${padded fireAt}/${action id}` → pending action (due scan in time order). */
  action: new RecordTable<ActionRecord>("delegates.action"),
  /** `${session}/${action id}` → outcome. */
  fired: new RecordTable<FiredRecord>("delegates.action-fired"),
} as const;

/**
 * The lock scope of a delegate key (`tx.lock`, no row is written): every secret write takes its delegate's lock
 * shared, so writes to one delegate run side by side; a migration takes source and target exclusive, so it
 * waits for the writes in flight and the writes after it see its tombstone. A write can never land in a
 * namespace that was just tombstoned, and a migration never leaves a secret behind. (Older databases may
 * still hold rows of the former `delegates.lock` table: nothing reads them.)
 */
export const DELEGATE_LOCK = "delegates.lock";

/** State table holding a version's WebAssembly module (raw bytes, keyed by delegate key). */
export const MODULE_TABLE = "delegates.module";

/** The SecretStore namespace of a delegate key (hex). */
export function delegateNamespace(delegateKeyHex: string): string {
  return `delegate:${delegateKeyHex}`;
}

/** Zero-padded decimal so that byte order equals numeric order (versions, epoch milliseconds). */
export function padNumber(n: number, width = 16): string {
  return n.toString().padStart(width, "0");
}
