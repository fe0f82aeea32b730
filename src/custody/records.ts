// Custody state layout: partition, path and history records, their tables and key formats.
import { RecordTable } from "../store/records.js";
import type { Scheme } from "./identity.js";
import type { KeyStatement, StatementSignatures } from "./statements.js";

/** A partition (tenant): its random id (address derivation) and current MSK epoch. */
export interface PartitionRecord {
  readonly name: string;
  /** 16 random bytes as hex: input of every address in the partition. */
  readonly id: string;
  readonly epoch: number;
  readonly createdAt: number;
}

/** Lifecycle status of a path. `revoked` is final. */
export type PathStatus = "active" | "suspended" | "revoked";

/** One key path: partition + identity + label. Never holds key bytes. */
export interface PathRecord {
  readonly partition: string;
  readonly identity: string;
  readonly label: string;
  readonly address: string;
  /** Bumped on every change; history entry `version` is claimed create-only (optimistic concurrency). */
  readonly version: number;
  readonly generation: number;
  /** MSK epoch of the current key; null while the path signs with an imported legacy key. */
  readonly epoch: number | null;
  readonly status: PathStatus;
  /** The imported key's scheme and public key while `epoch` is null. */
  readonly legacy?: { readonly scheme: "ed25519" | "secp256k1"; readonly publicKey: string };
  /** Current public keys (hex) by scheme: all three when derived, the imported one while legacy. */
  readonly publicKeys: Partial<Record<Scheme, string>>;
  readonly createdAt: number;
  readonly updatedAt: number;
}

/** What happened to a path. */
export type HistoryKind =
  | "created"
  | "imported"
  | "rotated"
  | "remapped"
  | "suspended"
  | "resumed"
  | "revoked";

/** One history entry: the public keys after the change and, for key changes, the signed statement. */
export interface HistoryEntry {
  readonly version: number;
  readonly kind: HistoryKind;
  readonly time: number;
  readonly generation: number;
  readonly epoch: number | null;
  readonly publicKeys: Partial<Record<Scheme, string>>;
  readonly statement?: KeyStatement;
  readonly signatures?: StatementSignatures;
}

export const partitions = new RecordTable<PartitionRecord>("custody.partition");
export const paths = new RecordTable<PathRecord>("custody.path");
export const history = new RecordTable<HistoryEntry>("custody.history");
/** Create-only generation claims: `${pathKey}/${gen}` — a generation is never used twice for a path. */
export const GENERATION_TABLE = "custody.generation";
/** Create-only epoch claims: `${partition}/${epoch}`. */
export const EPOCH_TABLE = "custody.epoch";
/** Index of paths per MSK epoch: `${partition}/${epoch}/${address}/${label}` (empty when the MSK is unused). */
export const EPOCH_MEMBER_TABLE = "custody.epoch-member";
/** Secret namespaces: MSKs (`${partition}/${epoch}`) and imported legacy keys (`${pathKey}`). */
export const MSK_NAMESPACE = "custody.msk";
export const LEGACY_NAMESPACE = "custody.legacy";

/** Fixed-width decimal so byte order equals numeric order. */
export function pad(n: number): string {
  return String(n).padStart(10, "0");
}

/** The state key of a path: `${partition}/${address}/${label}`. */
export function pathKey(partition: string, address: string, label: string): string {
  return `${partition}/${address}/${label}`;
}

export function mskName(partition: string, epoch: number): string {
  return `${partition}/${pad(epoch)}`;
}

export function epochMemberKey(partition: string, epoch: number, address: string, label: string): string {
  return `${partition}/${pad(epoch)}/${address}/${label}`;
}

export function historyKey(path: string, version: number): string {
  return `${path}/${pad(version)}`;
}
