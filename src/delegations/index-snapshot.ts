// Versioned binary snapshot of the DelegationIndex (key columns, intervals, id dictionaries, lastSeq) + SHA-256.
import { assertBytes } from "../crypto/assert.js";
import { sha256 } from "../crypto/hash.js";
import { InputRangeError, InputTypeError } from "../errors/input-errors.js";
import { KeywardError } from "../errors/keyward-error.js";
import { DelegationIndex } from "./delegation-index.js";
import { EMPTY_SLOT, mixKey, mixPair, pow2ceil, slotCount } from "./hash-slots.js";
import { decodeSnapshotV2, encodeSnapshotV2, SNAPSHOT_V2 } from "./index-snapshot-v2.js";
import { KeyTable, NO_KEY, ROW_F64, ROW_U32 } from "./key-table.js";
import { corruptSnapshot } from "./snapshot-dictionaries.js";
import { dictionariesBytes, finishSnapshot, readDictionaries, startSnapshot } from "./snapshot-frame.js";

/** Format version written by `encodeIndexSnapshot` (docs/wire-format.md, "Index snapshot"). */
export const INDEX_SNAPSHOT_VERSION = SNAPSHOT_V2;
/** Every format version `decodeIndexSnapshot` reads. */
export const INDEX_SNAPSHOT_VERSIONS: readonly number[] = [1, SNAPSHOT_V2];
/** First 8 bytes of every index snapshot. */
export const INDEX_SNAPSHOT_MAGIC = "KWDXSNAP";
const HEADER_BYTES = 64;
const CHECKSUM_BYTES = 32;
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** Byte offsets of each section for `keys` keys, `intervals` intervals and `dict` dictionary bytes. */
function layout(keys: number, intervals: number, dict: number) {
  const d = HEADER_BYTES;
  const last = d + 8 * keys;
  const p = last + 8 * keys;
  const s = p + 4 * keys;
  const c = s + 4 * keys;
  const iv = c + 4 * keys + ((4 * keys) % 8); // 8-aligned: the intervals are f64
  const dicts = iv + 16 * intervals;
  const end = dicts + dict;
  return { d, last, p, s, c, iv, dicts, end, size: end + CHECKSUM_BYTES };
}

function assertLittleEndian(): void {
  if (!LITTLE_ENDIAN) throw new KeywardError("internal", "index snapshots need a little-endian platform");
}

/**
 * Encodes the whole index, in format 2 by default (the key table's arrays as they are: a load takes views,
 * index-snapshot-v2.ts) or format 1: header, key columns, every key's intervals (packed, oldest first), the id
 * dictionaries, then SHA-256 over everything before it (node:crypto; @noble's BLAKE3 made hashing two thirds of
 * a 2M-key load). Layouts: docs/wire-format.md ("Index snapshot").
 * The decoded index answers like this one (format 1: as after `compact()`), at the same `lastSeq`.
 * @throws {TypeError} when `index` is not a DelegationIndex. @throws {RangeError} for an unknown version.
 * @example const bytes = encodeIndexSnapshot(store.index); decodeIndexSnapshot(bytes).lastSeq;
 */
export function encodeIndexSnapshot(
  index: DelegationIndex,
  options: { readonly version?: number } = {},
): Uint8Array {
  if (!(index instanceof DelegationIndex)) throw new InputTypeError("index must be a DelegationIndex");
  assertLittleEndian();
  const version = options.version ?? INDEX_SNAPSHOT_VERSION;
  if (version === SNAPSHOT_V2)
    return encodeSnapshotV2(index.snapshotTables(), INDEX_SNAPSHOT_MAGIC, index.lastSeq);
  if (version !== 1) throw new InputRangeError("options.version must be 1 or 2");
  const x = index.snapshotTables();
  const t = x.t;
  const keys = t.keys;
  const dictBytes = dictionariesBytes(x);
  if (t.intervals > 0xffffffff) throw new KeywardError("internal", "index too large for a snapshot");
  const L = layout(keys, t.intervals, dictBytes);
  const { out, view } = startSnapshot(L.size, INDEX_SNAPSHOT_MAGIC, 1, index.lastSeq);
  view.setUint32(24, keys, true);
  view.setUint32(28, t.pairs, true);
  view.setUint32(32, t.intervals, true);
  view.setUint32(36, x.delegators.size, true);
  view.setUint32(40, x.providers.size, true);
  view.setUint32(44, x.scopes.size, true);
  view.setUint32(48, dictBytes, true);
  const D = new Float64Array(out.buffer, L.d, keys);
  const LAST = new Float64Array(out.buffer, L.last, keys);
  const P = new Uint32Array(out.buffer, L.p, keys);
  const S = new Uint32Array(out.buffer, L.s, keys);
  const C = new Uint32Array(out.buffer, L.c, keys);
  const IV = new Float64Array(out.buffer, L.iv, 2 * t.intervals);
  const { kf, ku, iv } = t;
  let j = 0;
  for (let k = 0; k < keys; k++) {
    const u = k * ROW_U32;
    D[k] = kf[k * ROW_F64]!;
    LAST[k] = kf[k * ROW_F64 + 4]!;
    P[k] = ku[u + 2]!;
    S[k] = ku[u + 3]!;
    const n = ku[u + 5]!;
    C[k] = n;
    if (j + 2 * n > IV.length) throw new KeywardError("internal", "index interval count is inconsistent");
    for (let i = 2 * ku[u + 4]!, e = i + 2 * n; i < e; i++) IV[j++] = iv[i]!;
  }
  if (j !== IV.length) throw new KeywardError("internal", "index interval count is inconsistent");
  finishSnapshot(x, out, L.dicts, L.end);
  return out;
}

/**
 * Decodes and verifies a snapshot from `encodeIndexSnapshot`: the SHA-256 checksum first, then every size,
 * code, position and interval order, and rebuilds the hash tables from the key columns — so a snapshot that
 * decodes answers exactly like the index it was taken from.
 * `options.verified`: the caller has already checked `bytes` against a checksum of its own (the manifest's
 * CRC-32 of a file snapshot, snapshot-store.ts), so the SHA-256 pass over them is skipped (cold start).
 * @throws {TypeError} when `bytes` is not a Uint8Array.
 * @throws KeywardError `snapshot_corrupt` for anything else wrong (truncated, bad checksum, unknown version,
 *   inconsistent content); never returns a partial index.
 */
export function decodeIndexSnapshot(
  bytes: Uint8Array,
  options: { readonly verified?: boolean } = {},
): DelegationIndex {
  assertBytes(bytes, undefined, "bytes");
  assertLittleEndian();
  if (bytes.length < HEADER_BYTES + CHECKSUM_BYTES) throw corruptSnapshot("truncated");
  for (let i = 0; i < 8; i++)
    if (bytes[i] !== INDEX_SNAPSHOT_MAGIC.charCodeAt(i)) throw corruptSnapshot("not an index snapshot");
  const body = bytes.subarray(0, bytes.length - CHECKSUM_BYTES);
  if (options.verified !== true) {
    const sum = sha256(body);
    for (let i = 0; i < CHECKSUM_BYTES; i++)
      if (sum[i] !== bytes[body.length + i]) throw corruptSnapshot("checksum mismatch");
  }
  // Typed-array views need 8-aligned offsets: copy a misaligned input once.
  const b = bytes.byteOffset % 8 === 0 ? bytes : bytes.slice();
  const view = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const version = view.getUint32(8, true);
  if (!INDEX_SNAPSHOT_VERSIONS.includes(version))
    throw corruptSnapshot(`unsupported format version ${version}`);
  if (view.getUint32(12, true) !== 0) throw corruptSnapshot("unknown flags");
  if (version === SNAPSHOT_V2) {
    const v2 = decodeSnapshotV2(b, view);
    return DelegationIndex.fromSnapshotTables(v2.tables, v2.lastSeq);
  }
  const lastSeq = view.getFloat64(16, true);
  if (!Number.isSafeInteger(lastSeq) || lastSeq < 0) throw corruptSnapshot("bad lastSeq");
  const keys = view.getUint32(24, true);
  const pairs = view.getUint32(28, true);
  const intervals = view.getUint32(32, true);
  const L = layout(keys, intervals, view.getUint32(48, true));
  if (L.size !== b.length) throw corruptSnapshot("sizes do not match the length");
  const at = b.byteOffset;
  const counts = [36, 40, 44].map((o) => view.getUint32(o, true)) as [number, number, number];
  const dicts = readDictionaries(b, L.dicts, L.end, counts);
  const t = restoreKeyTable(
    {
      D: new Float64Array(b.buffer, at + L.d, keys),
      LAST: new Float64Array(b.buffer, at + L.last, keys),
      P: new Uint32Array(b.buffer, at + L.p, keys),
      S: new Uint32Array(b.buffer, at + L.s, keys),
      C: new Uint32Array(b.buffer, at + L.c, keys),
      IV: new Float64Array(b.buffer, at + L.iv, 2 * intervals),
    },
    { pairs, delegators: dicts.delegators.size, providers: dicts.providers.size, scopes: dicts.scopes.size },
  );
  return DelegationIndex.fromSnapshotTables({ t, ...dicts }, lastSeq);
}

interface Columns {
  readonly D: Float64Array;
  readonly LAST: Float64Array;
  readonly P: Uint32Array;
  readonly S: Uint32Array;
  readonly C: Uint32Array;
  readonly IV: Float64Array;
}

const isPosition = (v: number) => Number.isSafeInteger(v) && v >= 0;

/**
 * A compact KeyTable from validated columns: runs of power-of-two capacity in key order, key and pair hash
 * tables rebuilt (a duplicate key or a wrong pair count is corruption), pair chains relinked newest first.
 */
function restoreKeyTable(
  c: Columns,
  n: { pairs: number; delegators: number; providers: number; scopes: number },
): KeyTable {
  const keys = c.D.length;
  let top = 0;
  let total = 0;
  for (let k = 0; k < keys; k++) {
    const count = c.C[k]!;
    total += count;
    top += count === 0 ? 0 : pow2ceil(count);
  }
  if (total !== c.IV.length / 2) throw corruptSnapshot("interval counts do not add up");
  if (top >= 2 ** 32) throw corruptSnapshot("interval pool too large");
  const t = new KeyTable();
  const kf = new Float64Array(Math.max(keys, 1) * ROW_F64);
  const ku = new Uint32Array(kf.buffer);
  const iv = new Float64Array(Math.max(2 * top, 2));
  const kSlots = new Uint32Array(slotCount(keys));
  const kMask = kSlots.length - 1;
  const pSlots = new Uint32Array(slotCount(n.pairs));
  const pMask = pSlots.length - 1;
  let pairs = 0;
  let start = 0;
  let j = 0;
  for (let k = 0; k < keys; k++) {
    const d = c.D[k]!;
    const p = c.P[k]!;
    const s = c.S[k]!;
    const count = c.C[k]!;
    const last = c.LAST[k]!;
    if (!Number.isSafeInteger(d) || (d < 0 && -d - 1 >= n.delegators))
      throw corruptSnapshot(`key ${k}: delegator`);
    if (p >= n.providers || s >= n.scopes) throw corruptSnapshot(`key ${k}: provider or scope code`);
    if (last !== -1 && !isPosition(last)) throw corruptSnapshot(`key ${k}: last event position`);
    let prev = 0;
    for (let i = 0; i < count; i++, j += 2) {
      const from = c.IV[j]!;
      const until = c.IV[j + 1]!;
      if (!isPosition(from) || from < prev || !(until === Infinity || (isPosition(until) && until >= from)))
        throw corruptSnapshot(`key ${k}: interval ${i}`);
      prev = from;
      iv[2 * (start + i)] = from;
      iv[2 * (start + i) + 1] = until;
    }
    const u = k * ROW_U32;
    kf[k * ROW_F64] = d;
    ku[u + 2] = p;
    ku[u + 3] = s;
    ku[u + 4] = count === 0 ? 0 : start;
    ku[u + 5] = count;
    kf[k * ROW_F64 + 4] = last;
    start += count === 0 ? 0 : pow2ceil(count);
    let h = mixKey(d, p, s) & kMask;
    for (let v = kSlots[h]!; v !== EMPTY_SLOT; v = kSlots[h]!) {
      const r = v - 1;
      if (kf[r * ROW_F64] === d && ku[r * ROW_U32 + 2] === p && ku[r * ROW_U32 + 3] === s)
        throw corruptSnapshot(`key ${k} is a duplicate of key ${r}`);
      h = (h + 1) & kMask;
    }
    kSlots[h] = k + 1;
    // The pair slot points at the pair's newest key; each key links to the pair's previous newest key.
    h = mixPair(d, p) & pMask;
    let next = NO_KEY;
    for (let v = pSlots[h]!; v !== EMPTY_SLOT; v = pSlots[h]!) {
      if (kf[(v - 1) * ROW_F64] === d && ku[(v - 1) * ROW_U32 + 2] === p) {
        next = v - 1;
        break;
      }
      h = (h + 1) & pMask;
    }
    if (next === NO_KEY && ++pairs > n.pairs) throw corruptSnapshot("more pairs than the header says");
    ku[u + 6] = next;
    pSlots[h] = k + 1;
  }
  if (pairs !== n.pairs) throw corruptSnapshot("fewer pairs than the header says");
  t.kf = kf;
  t.ku = ku;
  t.keys = keys;
  t.kSlots = kSlots;
  t.kMask = kMask;
  t.pSlots = pSlots;
  t.pMask = pMask;
  t.pairs = pairs;
  t.iv = iv;
  t.poolTop = top;
  t.garbage = 0;
  t.intervals = total;
  return t;
}
