// NDJSON event import: check the whole file first (nothing applied on any bad line), then apply resumably.
import { createHash } from "node:crypto";
import { bytesToHex } from "../crypto/bytes.js";
import { RecordTable } from "../store/records.js";
import type { DelegationStore } from "./delegation-store.js";
import { DELEGATION_TABLES } from "./event-log.js";
import { applyEvents } from "./import-apply.js";
import { checkEvents, IdHashCollision, ImportRefusedError } from "./import-check.js";

export { ImportRefusedError, type LineError, MAX_REPORTED } from "./import-check.js";

/** Progress of one import, keyed by the file's hash (stored in the same transaction as each batch). */
interface ImportProgress {
  readonly lines: number;
  readonly done: boolean;
}
const progressRecords = new RecordTable<ImportProgress>(DELEGATION_TABLES.import);
/** Progress keys: `sha256:<hex>`; keys of 64 hex digits are BLAKE3 file hashes of earlier versions. */
const KEY_PREFIX = "sha256:";

/** Totals of an import. */
export interface ImportSummary {
  readonly lines: number;
  readonly events: number;
  readonly applied: number;
  /** Events whose id was already applied with the same content. */
  readonly duplicates: number;
  /** Lines skipped because an earlier, interrupted run of the same file already applied them. */
  readonly resumedAfterLine: number;
  /** SHA-256 of the file (hex): the resume key. */
  readonly fileHash: string;
}

/** Options of `importEvents`. */
export interface ImportOptions {
  /**
   * Opens the file again for each pass (it is read twice: check, apply; once more to resume, and once more when
   * an id is used twice within it).
   */
  readonly open: () => AsyncIterable<Uint8Array>;
  readonly onProgress?: (phase: "parse" | "check" | "apply", bytes: number) => void;
  /** Events per transaction in the apply pass (default DEFAULT_IMPORT_BATCH). */
  readonly batchSize?: number;
  /**
   * The file's size in bytes, when known: the check pass's dry run then makes room for the events the file
   * likely holds at once instead of growing its tables step by step (memory only; nothing else changes).
   */
  readonly size?: number;
}

/** Default events per transaction of an import: large enough to amortise a commit, small enough to resume. */
export const DEFAULT_IMPORT_BATCH = 16_384;

/** Where an earlier run of this file got to, hashing the file first (only when an unfinished import exists). */
async function priorProgress(
  store: DelegationStore,
  open: () => AsyncIterable<Uint8Array>,
): Promise<{ key: string; legacyKey?: string; progress?: ImportProgress } | undefined> {
  let unfinished = false;
  let legacy = false;
  for await (const { key, value } of progressRecords.scan(store.storage.state)) {
    if (!value.done) unfinished = true;
    if (!key.startsWith(KEY_PREFIX)) legacy = true;
  }
  if (!unfinished) return undefined;
  const sha = createHash("sha256");
  // BLAKE3 (pure JS, slow) only while records of an earlier version exist, so their files still resume.
  const b3 = legacy ? (await import("@noble/hashes/blake3.js")).blake3.create() : undefined;
  for await (const chunk of open()) {
    sha.update(chunk);
    b3?.update(chunk);
  }
  const key = `${KEY_PREFIX}${sha.digest("hex")}`;
  const progress = await progressRecords.get(store.storage.state, key);
  if (progress || !b3) return { key, ...(progress ? { progress } : {}) };
  const legacyKey = bytesToHex(b3.digest());
  const old = await progressRecords.get(store.storage.state, legacyKey);
  return { key, ...(old ? { legacyKey, progress: old } : {}) };
}

/**
 * Imports NDJSON events (`{"op":"grant"|"revoke","delegator","provider","scopes"?,"at","expiresAt"?,"id"?}`).
 * Pass 1 parses every line and dry-runs the events on a copy of the index (ordering, revokes of unknown scopes,
 * id reuse); only when it is clean does pass 2 apply them in batches, each batch in one transaction together
 * with the file's progress record, as multi-row inserts (the log is the source of truth; the index is the dry
 * run's copy, adopted at the end). Re-running the same file after an interruption resumes after the last
 * committed batch; re-running a finished file applies nothing. Memory: the index copy, the ids of the file
 * with their first line (to catch an id reused within it: a repeat is compared with its first use in one more
 * read of the file) and one batch.
 * @throws ImportRefusedError listing bad lines (nothing applied by this run), or — only if another writer
 *   interleaves a conflicting event during pass 2 — naming the refused line (earlier batches stay; resumable).
 * @throws KeywardError `conflict` when the file changes between the passes (earlier batches stay).
 * @example await importEvents(store, { open: () => createReadStream("events.ndjson") });
 */
export async function importEvents(store: DelegationStore, options: ImportOptions): Promise<ImportSummary> {
  const batchSize = options.batchSize ?? DEFAULT_IMPORT_BATCH;
  const prior = await priorProgress(store, options.open);
  const from = prior?.progress?.lines ?? 0;
  if (prior?.progress?.done) return finished(store, options, prior.key, prior.progress.lines);

  await store.sync();
  let copy = store.index.clone();
  const baseSeq = copy.lastSeq;
  const check = (exactIds: boolean) =>
    checkEvents(options.open(), {
      state: store.storage.state,
      copy,
      from,
      batchSize,
      onProgress: (bytes) => options.onProgress?.("check", bytes),
      reopen: options.open,
      exactIds,
      ...(options.size === undefined ? {} : { size: options.size }),
    });
  let checked: Awaited<ReturnType<typeof checkEvents>>;
  try {
    checked = await check(false);
  } catch (err) {
    if (!(err instanceof IdHashCollision)) throw err;
    // Two ids of the file share a 64-bit hash: check again (on a fresh copy) with the ids kept exactly.
    copy = store.index.clone();
    checked = await check(true);
  }
  const key = prior?.key ?? `${KEY_PREFIX}${checked.fileHash}`;
  const base = {
    lines: checked.lines,
    events: checked.events,
    fileHash: checked.fileHash,
    resumedAfterLine: from,
  };
  if (!prior) {
    // No unfinished import existed: the file was either never imported or imported completely.
    const progress = await progressRecords.get(store.storage.state, key);
    if (progress?.done) return { ...base, resumedAfterLine: progress.lines, applied: 0, duplicates: 0 };
    // Another run of this file committed batches meanwhile: start again from its progress (found first now).
    if (progress) return importEvents(store, options);
  }
  if (checked.errors.length) throw new ImportRefusedError(checked.errors);

  let out: Awaited<ReturnType<typeof applyEvents>>;
  try {
    out = await applyEvents(store, options.open(), {
      baseSeq,
      from,
      flags: checked.flags,
      digests: checked.digests,
      batchSize,
      progress: (state, lines) => progressRecords.put(state, key, { lines, done: false }),
      onProgress: (bytes) => options.onProgress?.("apply", bytes),
    });
  } catch (err) {
    // The committed batches are in the log: bring the live index up to them before reporting the failure.
    await store.sync().catch(() => undefined);
    throw err;
  }
  await progressRecords.put(store.storage.state, key, { lines: checked.lines, done: true });
  if (prior?.legacyKey)
    await progressRecords.put(store.storage.state, prior.legacyKey, { lines: checked.lines, done: true });
  if (out.fast && copy.lastSeq > store.index.lastSeq) {
    copy.compact();
    store.index.adopt(copy);
  }
  await store.sync();
  return { ...base, applied: out.applied, duplicates: out.duplicates };
}

/** The summary of a file imported completely before (its lines are counted again; nothing is applied). */
async function finished(
  store: DelegationStore,
  options: ImportOptions,
  key: string,
  lines: number,
): Promise<ImportSummary> {
  const checked = await checkEvents(options.open(), {
    state: store.storage.state,
    copy: store.index, // nothing is applied to it: every line is before `from`
    from: Number.MAX_SAFE_INTEGER,
    batchSize: 1,
    onProgress: (bytes) => options.onProgress?.("check", bytes),
    reopen: options.open,
  });
  return {
    lines: checked.lines,
    events: checked.events,
    fileHash: key.slice(KEY_PREFIX.length),
    resumedAfterLine: lines,
    applied: 0,
    duplicates: 0,
  };
}
