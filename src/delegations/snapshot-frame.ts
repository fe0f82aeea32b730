// The frame both index snapshot formats share (index-snapshot.ts, index-snapshot-v2.ts): the header's first
// fields, the three id dictionaries and the closing SHA-256.
import { sha256 } from "../crypto/hash.js";
import { KeywardError } from "../errors/keyward-error.js";
import type { IndexTables } from "./apply-event.js";
import {
  corruptSnapshot,
  dictionaryBytes,
  readDictionary,
  writeDictionary,
} from "./snapshot-dictionaries.js";

/**
 * A zeroed snapshot of `size` bytes with its common header written: the 8-byte `magic`, the format `version`,
 * flags 0 and `lastSeq`; the format writes the rest of its header from byte 24.
 */
export function startSnapshot(
  size: number,
  magic: string,
  version: number,
  lastSeq: number,
): { out: Uint8Array; view: DataView } {
  const out = new Uint8Array(size);
  const view = new DataView(out.buffer);
  for (let i = 0; i < 8; i++) out[i] = magic.charCodeAt(i);
  view.setUint32(8, version, true);
  view.setUint32(12, 0, true); // flags
  view.setFloat64(16, lastSeq, true);
  return { out, view };
}

/**
 * Bytes of the three id dictionaries of `x` (delegators, providers, scopes) as `finishSnapshot` writes them.
 * @throws KeywardError `internal` when they do not fit the formats' 32-bit size field.
 */
export function dictionariesBytes(x: IndexTables): number {
  const n = dictionaryBytes(x.delegators) + dictionaryBytes(x.providers) + dictionaryBytes(x.scopes);
  if (n > 0xffffffff) throw new KeywardError("internal", "index too large for a snapshot");
  return n;
}

/**
 * Writes the three id dictionaries of `x` from `offset`, which must end exactly at `end`, then the SHA-256 of
 * `out[0, end)` at `end`: the last thing both formats write.
 * @throws KeywardError `internal` when the dictionaries' size differs from what the layout reserved.
 */
export function finishSnapshot(x: IndexTables, out: Uint8Array, offset: number, end: number): void {
  let o = writeDictionary(x.delegators, out, offset);
  o = writeDictionary(x.providers, out, o);
  o = writeDictionary(x.scopes, out, o);
  if (o !== end) throw new KeywardError("internal", "index snapshot dictionary size is inconsistent");
  out.set(sha256(out.subarray(0, end)), end);
}

/**
 * Reads the three id dictionaries (`counts`: delegators, providers, scopes) from `offset`; together they must
 * end exactly at `end`. @throws KeywardError `snapshot_corrupt`.
 */
export function readDictionaries(
  bytes: Uint8Array,
  offset: number,
  end: number,
  counts: readonly [delegators: number, providers: number, scopes: number],
): Pick<IndexTables, "delegators" | "providers" | "scopes"> {
  const dg = readDictionary(bytes, offset, end, counts[0], "delegator", true);
  const pr = readDictionary(bytes, dg.offset, end, counts[1], "provider", false);
  const sc = readDictionary(bytes, pr.offset, end, counts[2], "scope", false);
  if (sc.offset !== end) throw corruptSnapshot("dictionary size mismatch");
  return { delegators: dg.dict, providers: pr.dict, scopes: sc.dict };
}
