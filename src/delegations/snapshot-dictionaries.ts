// Binary encoding of the delegation index's id dictionaries inside an index snapshot (index-snapshot.ts).
import { KeywardError } from "../errors/keyward-error.js";
import { IdDictionary } from "./id-dictionary.js";
import { type DelegationId, normalizeId } from "./ids.js";

/** Entry tag of an integer id (followed by a little-endian f64). */
const TAG_INTEGER = 0;
/** Entry tag of a string id (followed by a little-endian u32 byte length and the UTF-8 bytes). */
const TAG_STRING = 1;

const utf8Decoder = new TextDecoder("utf-8", { fatal: true });

/** A refusal of a snapshot that does not decode (always this code and prefix, never garbage). */
export function corruptSnapshot(reason: string): KeywardError {
  return new KeywardError("snapshot_corrupt", `delegation index snapshot is corrupt: ${reason}`);
}

/** Bytes needed by `writeDictionary` for `dict`. */
export function dictionaryBytes(dict: IdDictionary): number {
  let n = 0;
  for (let i = 0; i < dict.size; i++) {
    const v = dict.value(i);
    n += typeof v === "number" ? 9 : 5 + Buffer.byteLength(v, "utf8");
  }
  return n;
}

/** Writes every entry of `dict` in code order at `offset` of `out`; returns the offset after the last one. */
export function writeDictionary(dict: IdDictionary, out: Uint8Array, offset: number): number {
  const view = new DataView(out.buffer, out.byteOffset, out.byteLength);
  const encoder = new TextEncoder();
  let o = offset;
  for (let i = 0; i < dict.size; i++) {
    const v: DelegationId = dict.value(i);
    if (typeof v === "number") {
      out[o] = TAG_INTEGER;
      view.setFloat64(o + 1, v, true);
      o += 9;
    } else {
      out[o] = TAG_STRING;
      const { written } = encoder.encodeInto(v, out.subarray(o + 5));
      view.setUint32(o + 1, written, true);
      o += 5 + written;
    }
  }
  return o;
}

/**
 * Reads `count` entries starting at `offset` (not past `end`) into a new dictionary, checking that each id is
 * in normal form (ids.ts), appears once, and — when `stringsOnly` (delegators) — is a string.
 * @throws KeywardError `snapshot_corrupt` naming the dictionary.
 */
export function readDictionary(
  bytes: Uint8Array,
  offset: number,
  end: number,
  count: number,
  name: string,
  stringsOnly: boolean,
): { dict: IdDictionary; offset: number } {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const dict = new IdDictionary();
  let o = offset;
  for (let i = 0; i < count; i++) {
    if (o + 1 > end) throw corruptSnapshot(`${name} dictionary is truncated`);
    const tag = bytes[o];
    let v: DelegationId;
    if (tag === TAG_INTEGER && !stringsOnly) {
      if (o + 9 > end) throw corruptSnapshot(`${name} dictionary is truncated`);
      v = view.getFloat64(o + 1, true);
      o += 9;
    } else if (tag === TAG_STRING) {
      if (o + 5 > end) throw corruptSnapshot(`${name} dictionary is truncated`);
      const n = view.getUint32(o + 1, true);
      if (o + 5 + n > end) throw corruptSnapshot(`${name} dictionary is truncated`);
      try {
        v = utf8Decoder.decode(bytes.subarray(o + 5, o + 5 + n));
      } catch {
        throw corruptSnapshot(`${name} dictionary entry ${i} is not UTF-8`);
      }
      o += 5 + n;
    } else throw corruptSnapshot(`${name} dictionary entry ${i} has an unknown tag`);
    let normal: DelegationId;
    try {
      normal = normalizeId(v, name);
    } catch {
      throw corruptSnapshot(`${name} dictionary entry ${i} is not a valid id`);
    }
    if (normal !== v) throw corruptSnapshot(`${name} dictionary entry ${i} is not in normal form`);
    if (dict.intern(v) !== i) throw corruptSnapshot(`${name} dictionary entry ${i} is a duplicate`);
  }
  return { dict, offset: o };
}
