// Shared machinery of custody operations: the context, transactions, MSK cache, key use and wipe.
import { hexToBytes, wipe } from "../crypto/bytes.js";
import type { Ed25519SignPool } from "../crypto/ed25519-pool.js";
import { KeywardError } from "../errors/keyward-error.js";
import type { Storage, StorageTx } from "../store/ports.js";
import { deriveIdentitySeed, schemePublicKey } from "./derive.js";
import { SCHEMES, type Scheme } from "./identity.js";
import type { MskCache, MskCacheOptions } from "./msk-cache.js";
import {
  GENERATION_TABLE,
  type HistoryEntry,
  history,
  historyKey,
  LEGACY_NAMESPACE,
  MSK_NAMESPACE,
  mskName,
  type PathRecord,
  pad,
  pathKey,
  paths,
} from "./records.js";

/** The audit port custody writes to (mirrors audit's AuditSink; wired by service/). */
export interface CustodyAuditSink {
  append(tx: StorageTx, event: CustodyAuditEvent): Promise<unknown>;
  /** Several events in order in one transaction (optional; used for batched signatures). */
  appendMany?(tx: StorageTx, events: readonly CustodyAuditEvent[]): Promise<unknown>;
}

/** One audit event as custody writes it. */
export interface CustodyAuditEvent {
  kind: string;
  subject: string;
  actor?: string | undefined;
  data?: Record<string, string | number | boolean | null | string[]>;
  sensitive?: Record<string, string>;
}

/** Options of `createCustody` / `new Custody`. */
export interface CustodyOptions {
  readonly audit: CustodyAuditSink;
  /** Clock in milliseconds (tests inject one). */
  readonly now?: () => number;
  /** Recorded as `actor` by calls that name no caller: the process's own name (e.g. "service", "cli"). */
  readonly actor?: string;
  /**
   * Test hook: called with every buffer that holds a derived or unsealed private key, before use. The buffer
   * is zeroed when the operation ends, so a test can assert it is all zeros afterwards.
   */
  readonly observeKeyMaterial?: (buffer: Uint8Array) => void;
  /** Bound and TTL of the unsealed-MSK cache (defaults: 64 MSKs, 5 minutes). */
  readonly mskCache?: MskCacheOptions;
  /**
   * Ed25519 signatures of large batches on worker threads: a worker count for a pool the instance owns
   * (default `defaultSignWorkers()`: one with a spare core; 0 = always inline), or a pool the caller owns.
   */
  readonly signPool?: number | Ed25519SignPool;
}

/** Everything an operation needs. */
export interface CustodyContext {
  readonly storage: Storage;
  readonly audit: CustodyAuditSink;
  readonly now: () => number;
  /** The caller of the current call (its `actor` argument), else the instance's `actor` option. */
  readonly actor: string | undefined;
  readonly observe: ((buffer: Uint8Array) => void) | undefined;
  /** Unsealed MSKs by `mskName`, kept only in memory as Secret (DESIGN Invariant 3), bounded, with a TTL. */
  readonly msks: MskCache;
}

/** A write race lost to another instance: the storage runs the whole transaction again (store/retry.ts). */
export function raceLost(what: string): KeywardError {
  return new KeywardError("conflict", `concurrent change: ${what}`, { retryable: true });
}

/**
 * Runs `fn` in one transaction. A create-only claim lost to a concurrent writer (`raceLost`) rolls it back and
 * the storage's one retry policy (`retryTransaction`) runs it again; out of retries it is `unavailable`.
 */
export function runTx<T>(ctx: CustodyContext, fn: (tx: StorageTx) => Promise<T>): Promise<T> {
  return ctx.storage.transaction(fn);
}

/**
 * Runs `fn` synchronously on the MSK of (partition, epoch), from the in-memory cache or unsealed from the
 * SecretStore. `fn` runs right after the lookup, with no await in between, so no eviction can wipe the key
 * while it is in use.
 */
export async function useMsk<T>(
  ctx: CustodyContext,
  tx: StorageTx,
  partition: string,
  epoch: number,
  fn: (msk: Uint8Array) => T,
): Promise<T> {
  const name = mskName(partition, epoch);
  const cached = ctx.msks.get(name);
  if (cached) return cached.use(fn);
  const msk = await tx.secrets.get(MSK_NAMESPACE, name);
  if (!msk)
    throw new KeywardError("not_found", `the MSK of partition ${partition} epoch ${epoch} is missing`);
  return ctx.msks.set(name, msk).use(fn);
}

/** Forgets (and wipes) a cached MSK once it was destroyed. */
export function evictMsk(ctx: CustodyContext, partition: string, epoch: number): void {
  ctx.msks.delete(mskName(partition, epoch));
}

/**
 * The private key bytes of a path for `scheme` at its current generation (derived from the MSK, or a copy of
 * the imported legacy key).
 * The caller must wipe the result (use `withPathKey`).
 */
export async function pathKeyBytes(
  ctx: CustodyContext,
  tx: StorageTx,
  rec: PathRecord,
  scheme: Scheme,
  at: { generation: number; epoch: number | null } = rec,
): Promise<Uint8Array> {
  let out: Uint8Array;
  if (at.epoch === null) {
    if (!rec.legacy || rec.legacy.scheme !== scheme)
      throw new KeywardError(
        "conflict",
        `this path holds an imported ${rec.legacy?.scheme ?? "legacy"} key: remap it before using ${scheme}`,
      );
    const legacy = await tx.secrets.get(LEGACY_NAMESPACE, pathKey(rec.partition, rec.address, rec.label));
    if (!legacy) throw new KeywardError("not_found", "the imported key of this path is missing");
    out = Uint8Array.from(legacy.expose());
    legacy.wipe();
  } else {
    const address = hexToBytes(rec.address);
    out = await useMsk(ctx, tx, rec.partition, at.epoch, (m) =>
      deriveIdentitySeed(m, address, rec.label, at.generation, scheme),
    );
  }
  ctx.observe?.(out);
  return out;
}

/** Runs `fn` with a path's private key bytes and wipes them afterwards (also on error). */
export async function withPathKey<T>(
  ctx: CustodyContext,
  tx: StorageTx,
  rec: PathRecord,
  scheme: Scheme,
  fn: (key: Uint8Array) => T,
  at?: { generation: number; epoch: number | null },
): Promise<T> {
  const key = await pathKeyBytes(ctx, tx, rec, scheme, at);
  try {
    return fn(key);
  } finally {
    wipe(key);
  }
}

/** Public keys of every scheme available at a key source (all three when derived; the legacy one otherwise). */
export async function publicKeysAt(
  ctx: CustodyContext,
  tx: StorageTx,
  rec: PathRecord,
  at: { generation: number; epoch: number | null },
): Promise<Partial<Record<Scheme, string>>> {
  const out: Partial<Record<Scheme, string>> = {};
  const schemes = at.epoch === null && rec.legacy ? [rec.legacy.scheme] : SCHEMES;
  for (const s of schemes)
    out[s] = await withPathKey(
      ctx,
      tx,
      rec,
      s,
      (k) => Buffer.from(schemePublicKey(s, k)).toString("hex"),
      at,
    );
  return out;
}

/** Claims a generation for a path (create-only): a generation is never used twice, also across restarts. */
export async function claimGeneration(
  tx: StorageTx,
  key: string,
  generation: number,
  now: number,
): Promise<void> {
  const value = new TextEncoder().encode(JSON.stringify({ claimedAt: now }));
  if (!(await tx.state.insert(GENERATION_TABLE, `${key}/${pad(generation)}`, value)))
    throw raceLost(`generation ${generation} was already claimed`);
}

/** Writes the next version of a path with its history entry; a lost race on the version is retried. */
export async function commitChange(
  ctx: CustodyContext,
  tx: StorageTx,
  rec: PathRecord,
  next: Partial<PathRecord>,
  entry: Omit<HistoryEntry, "version" | "time">,
): Promise<PathRecord> {
  const time = ctx.now();
  const version = rec.version + 1;
  const key = pathKey(rec.partition, rec.address, rec.label);
  if (!(await history.insert(tx.state, historyKey(key, version), { ...entry, version, time })))
    throw raceLost("the path changed");
  const updated: PathRecord = { ...rec, ...next, version, updatedAt: time };
  await paths.put(tx.state, key, updated);
  return updated;
}

/** The audit subject of a path (no identity in clear: it is recorded as a sensitive field). */
export function subjectOf(rec: Pick<PathRecord, "partition" | "address" | "label">): string {
  return pathKey(rec.partition, rec.address, rec.label);
}
