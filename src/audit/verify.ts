// Audit chain verification: numbering, hashes, MACs, links and the head, reporting the first bad entry.
import { equalBytes, hexToBytes } from "../crypto/bytes.js";
import type { LogReader, StateReader } from "../store/ports.js";
import {
  type AuditHead,
  type AuditKeys,
  entryHash,
  entryMac,
  GENESIS_PREV,
  HEAD_KEY,
  HEAD_TABLE,
  headMac,
  LEGACY_ENTRY_TABLE,
} from "./entry.js";
import { decodeEntryRow, type StoredEntry } from "./entry-row.js";
import type { AuditEntry, AuditVerifyResult } from "./types.js";

/** What the verifier reads: the log (entries) and the state store (the MACed head); a Storage or a StorageTx. */
export interface AuditStoreReader {
  readonly state: StateReader;
  readonly log: LogReader;
}

const dec = new TextDecoder("utf-8", { fatal: true });
const CANONICAL_HEX = /^(?:[0-9a-f]{2})+$/;

function hexEquals(a: unknown, b: string): boolean {
  if (typeof a !== "string") return false;
  try {
    return equalBytes(hexToBytes(a, "value"), hexToBytes(b, "value"));
  } catch {
    return false;
  }
}

function parse<T>(bytes: Uint8Array): T | undefined {
  try {
    return JSON.parse(dec.decode(bytes)) as T;
  } catch {
    return undefined;
  }
}

/** Why an entry (at its position in the scan) is bad, or undefined when it is intact and linked. */
function checkEntry(
  keys: AuditKeys,
  seq: number,
  stored: StoredEntry | undefined,
  expectedSeq: number,
  prev: string,
): string | undefined {
  const e: AuditEntry | undefined = stored?.entry;
  if (!stored || !e || typeof e !== "object") return "entry is not a valid record";
  if (seq !== expectedSeq) return "entry missing";
  if (e.seq !== expectedSeq) return "entry out of order (its sequence number differs from its position)";
  if (!Number.isSafeInteger(e.time) || e.time < 0) return "entry time is malformed";
  // Entries are written with lowercase hex only (JSON rows of earlier versions; binary rows decode to it); any
  // other spelling is a modification even where it would decode to the same bytes (e.g. one digit upper-cased).
  for (const field of [e.hash, e.mac, e.prev, e.body])
    if (typeof field !== "string" || !CANONICAL_HEX.test(field))
      return "entry is not in its written form (modified)";
  let hash: string;
  try {
    // Each entry by the hash construction of its own row: a chain written by several versions verifies.
    hash = entryHash(stored.version, e.seq, e.time, e.prev, hexToBytes(e.body, "body"));
  } catch {
    return "entry is malformed";
  }
  if (!hexEquals(e.hash, hash)) return "entry hash does not match its contents (modified)";
  if (!hexEquals(e.mac, entryMac(keys.mac, hash))) return "entry MAC is invalid (rewritten without the key)";
  if (!hexEquals(e.prev, prev)) return "entry does not link to the previous entry";
  return undefined;
}

/** Walks the chain once in sequence order (constant memory). */
export async function verifyChain(via: AuditStoreReader, keys: AuditKeys): Promise<AuditVerifyResult> {
  const { state, log } = via;
  let expected = 1;
  let prev = GENESIS_PREV;
  for await (const { seq, value } of log.scan()) {
    const stored = decodeEntryRow(value);
    const reason = checkEntry(keys, seq, stored, expected, prev);
    if (reason) return { ok: false, entries: expected - 1, firstBadSeq: expected, reason };
    prev = stored!.entry.hash;
    expected++;
  }
  const count = expected - 1;
  // Storage schema 2 moved every entry out of the state table; a row there was written around the log.
  for await (const _ of state.scan(LEGACY_ENTRY_TABLE, { limit: 1 }))
    return {
      ok: false,
      entries: count,
      firstBadSeq: count + 1,
      reason: `a row is stored outside the log (state table ${LEGACY_ENTRY_TABLE})`,
    };
  const headBytes = await state.get(HEAD_TABLE, HEAD_KEY);
  if (headBytes === undefined) {
    if (count === 0) return { ok: true, entries: 0 };
    return { ok: false, entries: count, firstBadSeq: 1, reason: "the head record is missing" };
  }
  const head = parse<AuditHead>(headBytes);
  if (!head || !Number.isSafeInteger(head.seq) || typeof head.hash !== "string")
    return { ok: false, entries: count, firstBadSeq: count + 1, reason: "the head record is malformed" };
  let headOk = false;
  try {
    headOk = hexEquals(head.mac, headMac(keys.mac, head.seq, head.hash));
  } catch {
    headOk = false;
  }
  if (!headOk)
    return { ok: false, entries: count, firstBadSeq: count + 1, reason: "the head MAC is invalid" };
  if (head.seq > count)
    return {
      ok: false,
      entries: count,
      firstBadSeq: count + 1,
      reason: "entries after the last one were removed",
    };
  if (head.seq < count)
    return {
      ok: false,
      entries: head.seq,
      firstBadSeq: head.seq + 1,
      reason: "entries were added after the recorded head",
    };
  if (!hexEquals(head.hash, prev))
    return {
      ok: false,
      entries: count - 1,
      firstBadSeq: count,
      reason: "the last entry differs from the head",
    };
  return { ok: true, entries: count };
}
