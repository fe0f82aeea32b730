// Persists one index snapshot: a file next to a SQLite database or ≤ 1 MiB chunks, + a manifest, replaced atomically.
import { assertInteger } from "../crypto/assert.js";
import { bytesToHex } from "../crypto/bytes.js";
import { blake3Hash } from "../crypto/hash.js";
import { InputTypeError } from "../errors/input-errors.js";
import { KeywardError } from "../errors/keyward-error.js";
import type { StateReader, Storage } from "../store/ports.js";
import { RecordTable } from "../store/records.js";
import { DelegationIndex } from "./delegation-index.js";
import { DELEGATION_TABLES, seqKey } from "./event-log.js";
import { assertPosition } from "./ids.js";
import {
  decodeIndexSnapshot,
  encodeIndexSnapshot,
  INDEX_SNAPSHOT_VERSION,
  INDEX_SNAPSHOT_VERSIONS,
} from "./index-snapshot.js";
import { loggedEventBytes } from "./log-segments.js";
import { corruptSnapshot } from "./snapshot-dictionaries.js";
import {
  isSnapshotFileName,
  readSnapshotFile,
  removeOlderSnapshotFiles,
  removeSnapshotFile,
  snapshotCrc32,
  snapshotFileName,
  writeSnapshotFile,
} from "./snapshot-file.js";

/** Bytes per stored chunk row (the last chunk may be shorter). */
export const SNAPSHOT_CHUNK_BYTES = 1 << 20;

/**
 * `delegations import` and `delegations checkpoint` write a snapshot when at least this many events were
 * applied since the last one (`DelegationStore.snapshotIfDue`).
 */
export const SNAPSHOT_EVERY_EVENTS = 100_000;

/** Key of the manifest in `delegations.snapshot`; chunks are `<seqKey(seq)>/<6-digit chunk number>`. */
const MANIFEST_KEY = "manifest";

/** The record that makes a snapshot visible: written in the same transaction as its chunks. */
export interface SnapshotManifest {
  /** Format version of the encoded snapshot (INDEX_SNAPSHOT_VERSION). */
  readonly version: number;
  /** The last log sequence number the snapshot covers. */
  readonly seq: number;
  /** Encoded size in bytes (checksum included). */
  readonly size: number;
  /** Stored chunks; 0 when the snapshot is `file`. */
  readonly chunks: number;
  readonly chunkBytes: number;
  /**
   * The snapshot's file in the store's derived directory (Storage.derivedDir), when it is one file: read in one
   * call instead of chunk by chunk from the database (cold start, issue 12). Absent for a chunked snapshot.
   */
  readonly file?: string;
  /**
   * CRC-32 (zlib) of the whole encoded snapshot, when the writer's Node has `zlib.crc32`: a load checks it
   * (~4× faster than the format's SHA-256, which it then skips) where it has `zlib.crc32` too.
   */
  readonly crc32?: number;
  /** Hex SHA-256 checksum: the last 32 bytes of the encoded snapshot. */
  readonly checksum: string;
  /** Hex BLAKE3 of the stored bytes of log event `seq` ("" when seq = 0): ties the snapshot to its log. */
  readonly eventHash: string;
  /** Unix ms when written. */
  readonly createdAt: number;
}

/** Outcome of `writeIndexSnapshot`. */
export interface SnapshotWriteResult {
  /** False when a snapshot of a later position was already stored (nothing written). */
  readonly written: boolean;
  /** Position of the stored snapshot (the existing one when `written` is false). */
  readonly seq: number;
  readonly bytes: number;
  /** Chunks stored in the database (0 for a file). */
  readonly chunks: number;
  /** The file written (a file snapshot only). */
  readonly file?: string;
}

/** Outcome of `loadIndexSnapshot`. */
export type SnapshotLoad =
  | { readonly status: "loaded"; readonly index: DelegationIndex; readonly manifest: SnapshotManifest }
  /** No snapshot stored. */
  | { readonly status: "none" }
  /** The stored snapshot is past the requested position. */
  | { readonly status: "newer"; readonly seq: number }
  /** The stored snapshot is unusable (corrupt, missing chunk, unreadable): `reason` says why. */
  | { readonly status: "failed"; readonly seq?: number; readonly reason: string };

const manifests = new RecordTable<SnapshotManifest>(DELEGATION_TABLES.snapshot);
const chunkKey = (seq: number, i: number) => `${seqKey(seq)}/${String(i).padStart(6, "0")}`;
const isHex32 = (v: unknown) => typeof v === "string" && /^[0-9a-f]{64}$/.test(v);
const isCount = (v: unknown): v is number => typeof v === "number" && Number.isSafeInteger(v) && v >= 0;

/** The stored manifest, undefined when none; throws `snapshot_corrupt` when it is not a valid manifest. */
async function readManifest(state: StateReader): Promise<SnapshotManifest | undefined> {
  let m: SnapshotManifest | undefined;
  try {
    m = await manifests.get(state, MANIFEST_KEY);
  } catch (err) {
    if (err instanceof SyntaxError || err instanceof TypeError) throw corruptSnapshot("manifest is not JSON");
    throw err;
  }
  if (m === undefined) return undefined;
  const ok =
    typeof m === "object" &&
    m !== null &&
    isCount(m.version) &&
    isCount(m.seq) &&
    isCount(m.size) &&
    isCount(m.chunkBytes) &&
    (m.file === undefined
      ? m.chunkBytes > 0 &&
        m.chunkBytes <= SNAPSHOT_CHUNK_BYTES &&
        m.chunks === Math.ceil(m.size / m.chunkBytes)
      : isSnapshotFileName(m.file) && m.chunks === 0) &&
    (m.crc32 === undefined || (isCount(m.crc32) && m.crc32 <= 0xffffffff)) &&
    isHex32(m.checksum) &&
    (m.seq === 0 ? m.eventHash === "" : isHex32(m.eventHash));
  if (!ok) throw corruptSnapshot("manifest is malformed");
  return m;
}

/** Hex BLAKE3 of the stored bytes of log event `seq` (undefined when the log has no such event). */
async function storedEventHash(state: StateReader, seq: number): Promise<string | undefined> {
  if (seq === 0) return "";
  const raw = await loggedEventBytes(state, seq);
  return raw === undefined ? undefined : bytesToHex(blake3Hash(raw));
}

/**
 * Encodes `index` and stores it as the only snapshot: its chunks, its manifest and the deletion of the previous
 * snapshot's chunks commit in one transaction, so a reader sees the old snapshot or the new one, never a mix.
 * With a derived directory (SQLite) and no `chunkBytes`, the snapshot is one file instead, written and synced
 * before the transaction that commits the manifest naming it; replaced files are removed after the commit.
 * Nothing is written when a snapshot of a later position is already stored (another instance got further).
 * `chunkBytes` (default and maximum SNAPSHOT_CHUNK_BYTES) stores chunks (also for tests of many-chunk snapshots).
 * @throws {TypeError} when `index` is not a DelegationIndex. @throws {RangeError} for a bad `chunkBytes`.
 * @throws KeywardError `internal` when the log has no event at `index.lastSeq` (an index not built from this log).
 */
export async function writeIndexSnapshot(
  storage: Storage,
  index: DelegationIndex,
  options: { readonly chunkBytes?: number } = {},
): Promise<SnapshotWriteResult> {
  if (!(index instanceof DelegationIndex)) throw new InputTypeError("index must be a DelegationIndex");
  const chunkBytes = options.chunkBytes ?? SNAPSHOT_CHUNK_BYTES;
  assertInteger(chunkBytes, 1, SNAPSHOT_CHUNK_BYTES, "options.chunkBytes");
  const seq = index.lastSeq;
  const bytes = encodeIndexSnapshot(index);
  const checksum = bytesToHex(bytes.subarray(bytes.length - 32));
  const dir = options.chunkBytes === undefined ? storage.derivedDir : undefined;
  const file = dir === undefined ? undefined : snapshotFileName(seq, checksum);
  if (dir !== undefined && file !== undefined) writeSnapshotFile(dir, file, bytes);
  const chunks = file === undefined ? Math.ceil(bytes.length / chunkBytes) : 0;
  const crc32 = snapshotCrc32(bytes);
  let replaced: SnapshotManifest | undefined;
  const result = await storage.transaction(async (tx) => {
    let old: SnapshotManifest | undefined;
    try {
      old = await readManifest(tx.state);
    } catch (err) {
      if (!(err instanceof KeywardError && err.code === "snapshot_corrupt")) throw err;
      old = undefined; // an unreadable manifest is replaced (its chunks cannot be located)
    }
    replaced = old;
    if (old && old.seq > seq) {
      const kept = old.file === undefined ? {} : { file: old.file };
      return { written: false, seq: old.seq, bytes: old.size, chunks: old.chunks, ...kept };
    }
    const eventHash = await storedEventHash(tx.state, seq);
    if (eventHash === undefined)
      throw new KeywardError("internal", `the delegation log has no event ${seq}: snapshot not written`);
    if (old)
      for (let i = 0; i < old.chunks; i++)
        await tx.state.delete(DELEGATION_TABLES.snapshot, chunkKey(old.seq, i));
    for (let i = 0; i < chunks; i++) {
      const part = bytes.subarray(i * chunkBytes, (i + 1) * chunkBytes);
      await tx.state.put(DELEGATION_TABLES.snapshot, chunkKey(seq, i), part);
    }
    const manifest: SnapshotManifest = {
      version: INDEX_SNAPSHOT_VERSION,
      seq,
      size: bytes.length,
      chunks,
      chunkBytes,
      ...(file === undefined ? {} : { file }),
      ...(crc32 === undefined ? {} : { crc32 }),
      checksum,
      eventHash,
      createdAt: Date.now(),
    };
    await manifests.put(tx.state, MANIFEST_KEY, manifest);
    return { written: true, seq, bytes: bytes.length, chunks, ...(file === undefined ? {} : { file }) };
  });
  // After the commit: the file the manifest no longer names (or the one it never named) goes.
  const named = result.written ? file : replaced?.file;
  const derived = storage.derivedDir;
  if (derived !== undefined) {
    if (replaced?.file !== undefined && replaced.file !== named) removeSnapshotFile(derived, replaced.file);
    if (file !== undefined && file !== named) removeSnapshotFile(derived, file);
    removeOlderSnapshotFiles(derived, result.seq);
  }
  return result;
}

/** The stored manifest without loading the snapshot (undefined when none or unreadable). */
export async function snapshotManifest(storage: Storage): Promise<SnapshotManifest | undefined> {
  try {
    return await readManifest(storage.state);
  } catch {
    return undefined;
  }
}

/** The bytes of a file snapshot, checked for presence and length. @throws KeywardError `snapshot_corrupt`. */
async function readFileBytes(dir: string | undefined, m: SnapshotManifest & { file: string }) {
  if (dir === undefined) throw corruptSnapshot(`its file ${m.file} is outside this database's reach`);
  const bytes = await readSnapshotFile(dir, m.file);
  if (bytes === undefined) throw corruptSnapshot(`file ${m.file} is missing`);
  if (bytes.length !== m.size) throw corruptSnapshot(`file has ${bytes.length} bytes, expected ${m.size}`);
  return bytes;
}

/** Reads, checks and decodes the snapshot that `m` describes. @throws KeywardError `snapshot_corrupt`. */
async function readSnapshot(storage: Storage, m: SnapshotManifest): Promise<DelegationIndex> {
  if (!INDEX_SNAPSHOT_VERSIONS.includes(m.version))
    throw corruptSnapshot(`unsupported format version ${m.version}`);
  const state = storage.state;
  const bytes =
    m.file === undefined
      ? await readChunks(state, m)
      : await readFileBytes(storage.derivedDir, m as SnapshotManifest & { file: string });
  if (bytesToHex(bytes.subarray(m.size - 32)) !== m.checksum)
    throw corruptSnapshot("checksum differs from the manifest");
  // The manifest's CRC-32 over every byte stands in for the format's SHA-256 when this Node can compute it.
  const crc32 = m.crc32 === undefined ? undefined : snapshotCrc32(bytes);
  if (crc32 !== undefined && crc32 !== m.crc32) throw corruptSnapshot("CRC-32 differs from the manifest");
  const index = decodeIndexSnapshot(bytes, { verified: crc32 !== undefined });
  if (index.lastSeq !== m.seq) throw corruptSnapshot("position differs from the manifest");
  const eventHash = await storedEventHash(state, m.seq);
  if (eventHash !== m.eventHash)
    throw corruptSnapshot(
      eventHash === undefined
        ? `the log has no event ${m.seq}`
        : `log event ${m.seq} is not the one it covered`,
    );
  return index;
}

/** The chunks of a chunked snapshot in one buffer, each present and of its length. */
async function readChunks(state: StateReader, m: SnapshotManifest): Promise<Uint8Array> {
  const bytes = new Uint8Array(m.size);
  for (let i = 0; i < m.chunks; i++) {
    const part = await state.get(DELEGATION_TABLES.snapshot, chunkKey(m.seq, i));
    if (part === undefined) throw corruptSnapshot(`chunk ${i} of ${m.chunks} is missing`);
    const expected = Math.min(m.chunkBytes, m.size - i * m.chunkBytes);
    if (part.length !== expected)
      throw corruptSnapshot(`chunk ${i} has ${part.length} bytes, expected ${expected}`);
    bytes.set(part, i * m.chunkBytes);
  }
  return bytes;
}

/**
 * Loads the stored snapshot if it covers at most `upToSeq` (any position when omitted), verified: manifest,
 * every chunk's presence and length, the SHA-256 checksum, the decoded content, and the stored log event at its
 * position. Never throws for a bad snapshot: it reports `failed` with the reason (the caller replays the log).
 * A snapshot replaced by another instance while being read is retried on the new manifest.
 * @throws {TypeError|RangeError} when `upToSeq` is not a position.
 */
export async function loadIndexSnapshot(storage: Storage, upToSeq?: number): Promise<SnapshotLoad> {
  if (upToSeq !== undefined) assertPosition(upToSeq, "upToSeq");
  let failed: { manifest: SnapshotManifest; reason: string } | undefined;
  const failure = (f: { manifest: SnapshotManifest; reason: string }): SnapshotLoad => ({
    status: "failed",
    seq: f.manifest.seq,
    reason: f.reason,
  });
  for (let attempt = 0; attempt < 3; attempt++) {
    let m: SnapshotManifest | undefined;
    try {
      m = await readManifest(storage.state);
    } catch (err) {
      return { status: "failed", reason: reasonOf(err) };
    }
    if (m === undefined) return failed ? failure(failed) : { status: "none" };
    // The same manifest again: the snapshot itself is broken (not replaced while we read it).
    if (failed && failed.manifest.checksum === m.checksum && failed.manifest.seq === m.seq) break;
    if (upToSeq !== undefined && m.seq > upToSeq) return { status: "newer", seq: m.seq };
    try {
      return { status: "loaded", index: await readSnapshot(storage, m), manifest: m };
    } catch (err) {
      failed = { manifest: m, reason: reasonOf(err) };
    }
  }
  return failure(failed!);
}

function reasonOf(err: unknown): string {
  if (err instanceof KeywardError) return err.message;
  return err instanceof Error ? `${err.name}: ${err.message}` : String(err);
}
