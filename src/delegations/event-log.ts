// The persisted delegation event log: a gap-free, commit-ordered sequence in the state store, plus id records.
import { bytesToHex } from "../crypto/bytes.js";
import { KeywardError } from "../errors/keyward-error.js";
import type { StateReader } from "../store/ports.js";
import { RecordTable } from "../store/records.js";
import type { DelegationIndex } from "./delegation-index.js";
import { type DelegationEvent, eventHash, parseEvent } from "./events.js";

/** State tables owned by the delegations domain. */
export const DELEGATION_TABLES = {
  /** seqKey(seq) → event JSON. Sequence numbers start at 1 and have no gaps. */
  event: "delegations.event",
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

export const eventRecords = new RecordTable<DelegationEvent>(DELEGATION_TABLES.event);
export const idRecords = new RecordTable<IdRecord>(DELEGATION_TABLES.id);

/** Fixed-width decimal so byte order = numeric order (16 digits cover 2^53). */
export function seqKey(seq: number): string {
  return String(seq).padStart(16, "0");
}

/** Hex form of an event hash, as stored in id records. */
export function hashHex(hash: Uint8Array): string {
  return bytesToHex(hash);
}

/**
 * Applies to `index` every logged event after `index.lastSeq`, in sequence order, reading through `state`
 * (auto-commit or a transaction's view). Returns how many events were applied.
 * @throws KeywardError `internal` when a stored event does not validate (a corrupted log).
 */
export async function syncIndex(index: DelegationIndex, state: StateReader): Promise<number> {
  let applied = 0;
  for await (const { key, value } of eventRecords.scan(state, { gt: seqKey(index.lastSeq) })) {
    let event: DelegationEvent;
    try {
      event = parseEvent(value);
    } catch {
      throw new KeywardError("internal", `delegation log entry ${Number(key)} does not validate`);
    }
    if (index.applyLogged(Number(key), event)) applied++;
  }
  return applied;
}

/**
 * The hash an id record binds its id to: its stored hash, or (bulk-imported records) the hash of the event it
 * points at in the log.
 * @throws KeywardError `internal` when the record points at a missing or invalid log entry (a corrupted log).
 */
export async function boundEventHash(state: StateReader, rec: IdRecord): Promise<string> {
  if (rec.hash !== undefined) return rec.hash;
  const logged = await eventRecords.get(state, seqKey(rec.seq));
  try {
    return hashHex(eventHash(parseEvent(logged)));
  } catch {
    throw new KeywardError("internal", `delegation log entry ${rec.seq} does not validate`);
  }
}
