// The persisted delegation event log: a gap-free, commit-ordered sequence in the state store, plus id records.
import { bytesToHex } from "../crypto/bytes.js";
import { KeywardError } from "../errors/keyward-error.js";
import type { StateReader } from "../store/ports.js";
import { RecordTable } from "../store/records.js";
import type { DelegationIndex } from "./delegation-index.js";
import { parseNormalEvent } from "./event-bytes.js";
import { type DelegationEvent, eventHash, parseEvent } from "./events.js";
import { EVENT_TABLE, loggedEventBytes, scanLogged } from "./log-segments.js";

export { seqKey } from "./log-segments.js";

/** State tables owned by the delegations domain. */
export const DELEGATION_TABLES = {
  /**
   * seqKey(first) → the event JSON, or a segment of consecutive events joined by LF (log-segments.ts). Sequence
   * numbers start at 1 and have no gaps.
   */
  event: EVENT_TABLE,
  /** event id → { seq, hash } of the event that used it. */
  id: "delegations.id",
  /** import file hash → progress of a (resumable) import. */
  import: "delegations.import",
  /** seqKey(seq) → signed checkpoint covering the log up to seq. */
  checkpoint: "delegations.checkpoint",
  /** "manifest" → the index snapshot's manifest; `<seqKey(seq)>/<chunk>` → its bytes (snapshot-store.ts). */
  snapshot: "delegations.snapshot",
} as const;

/** What an applied event id is bound to. */
export interface IdRecord {
  readonly seq: number;
  /**
   * Hex BLAKE3 of the event's canonical bytes (eventHash). Bulk imports leave it out: the logged event at `seq`
   * is the source of truth, and is compared only when the id comes back (`loggedEventHash`).
   */
  readonly hash?: string;
}

/** The log's rows of one event (what `DelegationStore.write` inserts); read the log with `scanLogged`. */
export const eventRecords = new RecordTable<DelegationEvent>(DELEGATION_TABLES.event);
export const idRecords = new RecordTable<IdRecord>(DELEGATION_TABLES.id);

/** Hex form of an event hash, as stored in id records. */
export function hashHex(hash: Uint8Array): string {
  return bytesToHex(hash);
}

/**
 * Applies to `index` every logged event after `index.lastSeq` (up to `upTo`), in sequence order, reading
 * through `state` (auto-commit or a transaction's view). Returns how many events were applied.
 * @throws KeywardError `internal` when a stored event does not validate (a corrupted log).
 */
export async function syncIndex(index: DelegationIndex, state: StateReader, upTo?: number): Promise<number> {
  let applied = 0;
  for await (const { seq, bytes } of scanLogged(state, index.lastSeq, upTo))
    if (index.applyLogged(seq, decodeLogged(seq, bytes))) applied++;
  return applied;
}

const utf8 = new TextDecoder("utf-8", { fatal: true });

/**
 * The event of a log entry's bytes.
 * @throws KeywardError `internal` when they do not validate (a corrupted log).
 */
export function decodeLogged(seq: number, bytes: Uint8Array | undefined): DelegationEvent {
  // Logged events are in normal form: read from their bytes (same validation, property-tested), else parsed.
  if (bytes !== undefined) {
    const buf = Buffer.isBuffer(bytes)
      ? bytes
      : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const e = parseNormalEvent(buf, 0, buf.length);
    if (e !== undefined) return e;
  }
  try {
    return parseEvent(JSON.parse(utf8.decode(bytes)));
  } catch {
    throw new KeywardError("internal", `delegation log entry ${seq} does not validate`);
  }
}

/**
 * The hash an id record binds its id to: its stored hash, or (bulk-imported records) the hash of the event it
 * points at in the log.
 * @throws KeywardError `internal` when the record points at a missing or invalid log entry (a corrupted log).
 */
export async function boundEventHash(state: StateReader, rec: IdRecord): Promise<string> {
  if (rec.hash !== undefined) return rec.hash;
  const logged = await loggedEventBytes(state, rec.seq);
  return hashHex(eventHash(decodeLogged(rec.seq, logged)));
}
