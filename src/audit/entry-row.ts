// Stored form of audit entries: compact binary rows (v3 written now, v2 read) and the JSON rows of earlier versions.
import { bytesToHex } from "../crypto/bytes.js";
import type { AuditEntry } from "./types.js";

/** First byte of a binary row written now: its entry hash is SHA-256 of a fixed layout (entry.ts, "v3"). */
export const ROW_FORMAT = 0x03;
/** First byte of the binary rows written before v3: their entry hash is BLAKE3 of the canonical entry. */
export const ROW_FORMAT_V2 = 0x02;
/** Bytes before the body: format, seq (u64 BE), time (u64 BE), prev, hash, mac (32 bytes each). */
export const ROW_HEADER = 1 + 8 + 8 + 32 * 3;

/**
 * Which entry hash a stored row was written with: "v3" (SHA-256, fixed layout) or "v2" (BLAKE3 of the canonical
 * entry: binary 0x02 rows and the JSON rows before them, which start with `{`, 0x7b).
 */
export type EntryHashVersion = "v2" | "v3";

/** A decoded stored row: the entry (byte fields in hex) and the hash construction its version byte names. */
export interface StoredEntry {
  readonly entry: AuditEntry;
  readonly version: EntryHashVersion;
}

const MAX_SAFE_HIGH = 0x1fffff; // the high 32 bits of Number.MAX_SAFE_INTEGER
const dec = new TextDecoder("utf-8", { fatal: true });

/** The raw fields of one entry, as hashed and MACed. */
export interface EntryParts {
  readonly seq: number;
  readonly time: number;
  readonly prev: Uint8Array;
  readonly hash: Uint8Array;
  readonly mac: Uint8Array;
  readonly body: Uint8Array;
}

/** Writes a safe non-negative integer as u64 big-endian at `at` (no BigInt). */
export function writeU64(view: DataView, at: number, value: number): void {
  view.setUint32(at, Math.floor(value / 0x1_0000_0000));
  view.setUint32(at + 4, value >>> 0);
}

function readU64(view: DataView, at: number): number | undefined {
  const high = view.getUint32(at);
  return high > MAX_SAFE_HIGH ? undefined : high * 0x1_0000_0000 + view.getUint32(at + 4);
}

/**
 * The binary row of one entry written now (docs/wire-format.md, "Stored audit rows"): about half the size of the
 * JSON row with the body in hex, so an entry stays on its B-tree page instead of spilling into an overflow page.
 */
export function encodeEntryRow(parts: EntryParts): Uint8Array {
  const out = new Uint8Array(ROW_HEADER + parts.body.length);
  const view = new DataView(out.buffer);
  out[0] = ROW_FORMAT;
  writeU64(view, 1, parts.seq);
  writeU64(view, 9, parts.time);
  out.set(parts.prev, 17);
  out.set(parts.hash, 49);
  out.set(parts.mac, 81);
  out.set(parts.body, ROW_HEADER);
  return out;
}

/**
 * Reads a stored row of any written form; undefined when it is none (the caller reports a modified entry).
 * Byte fields come back as lower-case hex, as `AuditEntry` defines them. A JSON row is returned as parsed, so
 * the verifier can still refuse a field that is not in its written form.
 */
export function decodeEntryRow(bytes: Uint8Array): StoredEntry | undefined {
  const first = bytes.length > 0 ? bytes[0] : undefined;
  if (first === ROW_FORMAT || first === ROW_FORMAT_V2) {
    if (bytes.length < ROW_HEADER) return undefined;
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const seq = readU64(view, 1);
    const time = readU64(view, 9);
    if (seq === undefined || time === undefined) return undefined;
    const entry: AuditEntry = {
      seq,
      time,
      prev: bytesToHex(bytes.subarray(17, 49)),
      body: bytesToHex(bytes.subarray(ROW_HEADER)),
      hash: bytesToHex(bytes.subarray(49, 81)),
      mac: bytesToHex(bytes.subarray(81, ROW_HEADER)),
    };
    return { entry, version: first === ROW_FORMAT ? "v3" : "v2" };
  }
  try {
    const parsed = JSON.parse(dec.decode(bytes)) as unknown;
    return parsed !== null && typeof parsed === "object"
      ? { entry: parsed as AuditEntry, version: "v2" }
      : undefined;
  } catch {
    return undefined;
  }
}
