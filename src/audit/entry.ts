// Audit entry construction: canonical body, chained hash, MAC, sensitive-field HMACs and the storage layout.
import { assertName, assertString } from "../crypto/assert.js";
import { bytesToHex, concatBytes, hexToBytes, u32le, utf8 } from "../crypto/bytes.js";
import { type CanonicalValue, canonicalEncode } from "../crypto/canonical.js";
import { blake3Hash, type HmacSha256Key, hmacSha256, sha256 } from "../crypto/hash.js";
import { InputTypeError } from "../errors/input-errors.js";
import { type EntryHashVersion, encodeEntryRow, writeU64 } from "./entry-row.js";
import type { AuditEntry, AuditEvent } from "./types.js";

/**
 * State table that held the entries, keyed by seq as 16 decimal digits, before storage schema 2 moved them into the
 * store's append-only log (`Storage.log`, keyed by seq). Nothing writes it now; the verifier refuses a row in it.
 */
export const LEGACY_ENTRY_TABLE = "audit.entry";
/** State table holding the MACed head (last seq + hash): detects a truncated tail. */
export const HEAD_TABLE = "audit.head";
export const HEAD_KEY = "head";
/** Secret namespace/name of the audit root key (32 random bytes). */
export const KEY_NAMESPACE = "audit";
export const KEY_NAME = "root-key";

/** Tags and derivation contexts (docs/wire-format.md, "Audit"). */
export const AUDIT_TAGS = {
  body: "keyward v1 audit-body",
  entry: "keyward v1 audit-entry",
  entryV3: "keyward v3 audit-entry",
  head: "keyward v1 audit-head",
  sensitive: "keyward v1 audit-sensitive",
  macContext: "keyward v1 audit-entry-mac",
  fieldContext: "keyward v1 audit-sensitive-field",
} as const;

export const GENESIS_PREV = "0".repeat(64);

/**
 * The two keys derived from the audit root key. The MAC key is pre-keyed (its MACs are over 32-byte hashes, where
 * that is ~1.25× node:crypto's `createHmac`); the field key's longer messages are faster through node:crypto.
 */
export interface AuditKeys {
  readonly mac: HmacSha256Key;
  readonly field: Uint8Array;
}

/**
 * Validates an event and returns its canonical body bytes (sensitive values replaced by HMACs).
 * @throws {TypeError}/{RangeError} naming the field.
 */
export function encodeBody(event: AuditEvent, fieldKey: Uint8Array): Uint8Array {
  if (event === null || typeof event !== "object") throw new InputTypeError("event must be an object");
  assertName(event.kind, "event.kind");
  assertString(event.subject, "event.subject", { maxLength: 1024 });
  if (event.actor !== undefined) assertString(event.actor, "event.actor", { maxLength: 256 });
  if (event.data !== undefined && (typeof event.data !== "object" || event.data === null))
    throw new InputTypeError("event.data must be an object");
  const sensitive: Record<string, CanonicalValue> = {};
  if (event.sensitive !== undefined) {
    if (typeof event.sensitive !== "object" || event.sensitive === null)
      throw new InputTypeError("event.sensitive must be an object");
    for (const [name, value] of Object.entries(event.sensitive)) {
      assertString(value, `event.sensitive.${name}`);
      const mac = hmacSha256(fieldKey, canonicalEncode(AUDIT_TAGS.sensitive, { name, value }));
      sensitive[name] = bytesToHex(mac);
    }
  }
  return canonicalEncode(AUDIT_TAGS.body, {
    kind: event.kind,
    subject: event.subject,
    actor: event.actor ?? null,
    data: (event.data ?? {}) as Record<string, CanonicalValue>,
    sensitive,
  });
}

/** u32le(len(tag)) ‖ tag: the first bytes of every v3 entry's hash input (the canonical encoding's tag prefix). */
const V3_PREFIX = concatBytes(u32le(utf8(AUDIT_TAGS.entryV3).length), utf8(AUDIT_TAGS.entryV3));

/**
 * The hash of one entry (`prev` as its 32 bytes), by the construction its row version names
 * (docs/wire-format.md, "Audit"). v3, written now: SHA-256(u32le(len(tag)) ‖ tag ‖ u64be(seq) ‖ u64be(time) ‖
 * prev ‖ body) with tag "keyward v3 audit-entry" (one fixed layout, only the body's length varies, and it is
 * last). v2 and the JSON rows before it: BLAKE3(canonical("keyward v1 audit-entry", {seq, time, prev, body})).
 */
export function entryHashBytes(
  version: EntryHashVersion,
  seq: number,
  time: number,
  prev: Uint8Array,
  body: Uint8Array,
): Uint8Array {
  if (version === "v2") return blake3Hash(canonicalEncode(AUDIT_TAGS.entry, { seq, time, prev, body }));
  const at = V3_PREFIX.length;
  const input = new Uint8Array(at + 48 + body.length);
  const view = new DataView(input.buffer);
  input.set(V3_PREFIX);
  writeU64(view, at, seq);
  writeU64(view, at + 8, time);
  input.set(prev, at + 16);
  input.set(body, at + 48);
  return sha256(input);
}

/** The hash (hex) of one entry, by the construction `version` names (see `entryHashBytes`). */
export function entryHash(
  version: EntryHashVersion,
  seq: number,
  time: number,
  prevHex: string,
  body: Uint8Array,
): string {
  return bytesToHex(entryHashBytes(version, seq, time, hexToBytes(prevHex, "prev", 32), body));
}

/** HMAC (hex) binding an entry hash to the audit key. */
export function entryMac(macKey: HmacSha256Key, hashHex: string): string {
  return bytesToHex(macKey.mac(hexToBytes(hashHex, "hash", 32)));
}

/** HMAC (hex) of the head (last seq and hash). */
export function headMac(macKey: HmacSha256Key, seq: number, hashHex: string): string {
  return bytesToHex(
    macKey.mac(canonicalEncode(AUDIT_TAGS.head, { seq, hash: hexToBytes(hashHex, "hash", 32) })),
  );
}

/** The MACed head record. */
export interface AuditHead {
  readonly seq: number;
  readonly hash: string;
  readonly mac: string;
}

/** A built entry, with its stored row and raw hash (the next entry's `prev`). */
export interface BuiltEntry {
  readonly entry: AuditEntry;
  readonly row: Uint8Array;
  readonly hash: Uint8Array;
}

/**
 * The entry of raw fields, its hex fields computed only when read: appends return entries that their callers
 * mostly ignore (an audited signature never reads its entry), and the body's hex is most of an entry's size.
 * The fields are own, enumerable accessors, so the entry spreads, compares and serialises as a plain record.
 */
function lazyEntry(parts: {
  seq: number;
  time: number;
  prev: Uint8Array;
  hash: Uint8Array;
  mac: Uint8Array;
  body: Uint8Array;
}): AuditEntry {
  const { seq, time, prev, hash, mac, body } = parts;
  return {
    seq,
    time,
    get prev() {
      return bytesToHex(prev);
    },
    get body() {
      return bytesToHex(body);
    },
    get hash() {
      return bytesToHex(hash);
    },
    get mac() {
      return bytesToHex(mac);
    },
  };
}

/** Builds a complete entry (hash construction v3) and its binary row (entry-row.ts) from the raw previous hash. */
export function buildEntry(
  keys: AuditKeys,
  seq: number,
  time: number,
  prev: Uint8Array,
  body: Uint8Array,
): BuiltEntry {
  const hash = entryHashBytes("v3", seq, time, prev, body);
  const mac = keys.mac.mac(hash);
  const parts = { seq, time, prev, hash, mac, body };
  return { entry: lazyEntry(parts), row: encodeEntryRow(parts), hash };
}
