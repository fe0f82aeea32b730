// Index snapshot format 2: the key table's typed arrays as they are in memory, so a load takes views of the
// stored bytes (no per-key work: no hashing, no table rebuild) — the cold-start layout (issue 12).
import { KeywardError } from "../errors/keyward-error.js";
import type { IndexTables } from "./apply-event.js";
import { overLoaded } from "./hash-slots.js";
import { KeyTable, ROW_F64 } from "./key-table.js";
import { corruptSnapshot } from "./snapshot-dictionaries.js";
import { dictionariesBytes, finishSnapshot, readDictionaries, startSnapshot } from "./snapshot-frame.js";

/** The format number of this layout. */
export const SNAPSHOT_V2 = 2;
const HEADER_BYTES = 80;
const CHECKSUM_BYTES = 32;
const align8 = (n: number) => n + ((8 - (n % 8)) % 8);
const isPow2 = (n: number) => n >= 32 && (n & (n - 1)) === 0;

/** Byte offsets of each section: key rows, key slots, pair slots, interval pool, dictionaries, checksum. */
function layout(keys: number, kSlots: number, pSlots: number, poolTop: number, dict: number) {
  const rows = HEADER_BYTES;
  const ks = rows + 8 * ROW_F64 * keys;
  const ps = ks + 4 * kSlots;
  const iv = align8(ps + 4 * pSlots);
  const dicts = iv + 16 * poolTop;
  const end = dicts + dict;
  return { rows, ks, ps, iv, dicts, end, size: end + CHECKSUM_BYTES };
}

/**
 * Encodes the index tables in format 2 (docs/wire-format.md, "Index snapshot", version 2): the key rows, both
 * hash-slot tables and the interval pool byte for byte (garbage runs included), the id dictionaries as in
 * version 1, then SHA-256 over everything before it.
 * @throws KeywardError `internal` when the index is too large for the format's 32-bit counts.
 */
export function encodeSnapshotV2(x: IndexTables, magic: string, lastSeq: number): Uint8Array {
  const t = x.t;
  const dictBytes = dictionariesBytes(x);
  if (t.poolTop > 0xffffffff) throw new KeywardError("internal", "index too large for a snapshot");
  const L = layout(t.keys, t.kSlots.length, t.pSlots.length, t.poolTop, dictBytes);
  const { out, view } = startSnapshot(L.size, magic, SNAPSHOT_V2, lastSeq);
  const counts = [t.keys, t.pairs, t.intervals, x.delegators.size, x.providers.size, x.scopes.size];
  for (const [i, v] of counts.entries()) view.setUint32(24 + 4 * i, v, true);
  view.setUint32(48, dictBytes, true);
  view.setUint32(52, t.kSlots.length, true);
  view.setUint32(56, t.pSlots.length, true);
  view.setUint32(60, t.poolTop, true);
  view.setUint32(64, t.garbage, true);
  out.set(new Uint8Array(t.kf.buffer, t.kf.byteOffset, 8 * ROW_F64 * t.keys), L.rows);
  out.set(new Uint8Array(t.kSlots.buffer, t.kSlots.byteOffset, 4 * t.kSlots.length), L.ks);
  out.set(new Uint8Array(t.pSlots.buffer, t.pSlots.byteOffset, 4 * t.pSlots.length), L.ps);
  out.set(new Uint8Array(t.iv.buffer, t.iv.byteOffset, 16 * t.poolTop), L.iv);
  finishSnapshot(x, out, L.dicts, L.end);
  return out;
}

/**
 * Decodes a checksum-verified format-2 snapshot (`b` 8-aligned, `view` over it): checks the header (sizes add
 * up to the length, slot tables are powers of two with free slots left, counts in range) and the dictionaries
 * (normal form, no duplicates, as in version 1), then takes the key rows, slot tables and interval pool as
 * views of `b`. The key rows and intervals are not re-validated one by one: the checksum covers them, and
 * per-key checks are what this format exists to avoid (version 1 still does them).
 * @throws KeywardError `snapshot_corrupt`.
 */
export function decodeSnapshotV2(b: Uint8Array, view: DataView): { tables: IndexTables; lastSeq: number } {
  if (b.length < HEADER_BYTES + CHECKSUM_BYTES) throw corruptSnapshot("truncated");
  const u32 = (o: number) => view.getUint32(o, true);
  const lastSeq = view.getFloat64(16, true);
  if (!Number.isSafeInteger(lastSeq) || lastSeq < 0) throw corruptSnapshot("bad lastSeq");
  const [keys, pairs, intervals, nd, np, ns, dict] = [24, 28, 32, 36, 40, 44, 48].map(u32) as number[];
  const [kLen, pLen, poolTop, garbage] = [52, 56, 60, 64].map(u32) as number[];
  if (!isPow2(kLen!) || !isPow2(pLen!)) throw corruptSnapshot("slot tables are not powers of two");
  // Load ≤ 0.75 (as KeyTable keeps it) leaves free slots, so every probe ends.
  if (overLoaded(keys!, kLen!) || overLoaded(pairs!, pLen!) || pairs! > keys!)
    throw corruptSnapshot("key or pair count does not fit its slot table");
  if (intervals! + garbage! > poolTop!) throw corruptSnapshot("interval pool counts do not add up");
  const L = layout(keys!, kLen!, pLen!, poolTop!, dict!);
  if (L.size !== b.length) throw corruptSnapshot("sizes do not match the length");
  const dicts = readDictionaries(b, L.dicts, L.end, [nd!, np!, ns!]);
  const at = b.byteOffset;
  const buf = b.buffer as ArrayBuffer; // never shared: the snapshot reader assembles its own buffer
  const t = new KeyTable();
  t.kf = new Float64Array(buf, at + L.rows, ROW_F64 * keys!);
  t.ku = new Uint32Array(buf, at + L.rows, 2 * ROW_F64 * keys!);
  t.keys = keys!;
  t.kSlots = new Uint32Array(buf, at + L.ks, kLen!);
  t.kMask = kLen! - 1;
  t.pSlots = new Uint32Array(buf, at + L.ps, pLen!);
  t.pMask = pLen! - 1;
  t.pairs = pairs!;
  t.iv = new Float64Array(buf, at + L.iv, 2 * poolTop!);
  t.poolTop = poolTop!;
  t.garbage = garbage!;
  t.intervals = intervals!;
  return { tables: { t, ...dicts }, lastSeq };
}
