// The log's row layout: a row holds one event or a segment of consecutive ones, keyed by its first event's seq.
import type { StateInsert, StateReader } from "../store/ports.js";

/**
 * The log's table. A row's key is `seqKey(first)`, its value one event (normal-form JSON) or several consecutive
 * ones joined by LF (normal form never holds a raw LF): rows written one event at a time, by every earlier
 * version, are segments of one. A writer's first row is always at `seqKey(lastSeq + 1)`, so two writers that
 * saw the same log end collide on a create-only insert whatever their row sizes.
 */
export const EVENT_TABLE = "delegations.event";

/** Events per segment of a bulk import: a point read parses one ≈ 25 KB row, a bulk write pays one row per 256. */
export const SEGMENT_EVENTS = 256;

const LF = 0x0a;

/** Fixed-width decimal so byte order = numeric order (16 digits cover 2^53). */
export function seqKey(seq: number): string {
  return String(seq).padStart(16, "0");
}

/** Events in one row. */
function eventsIn(row: Uint8Array): number {
  let n = 1;
  for (let at = row.indexOf(LF); at >= 0; at = row.indexOf(LF, at + 1)) n++;
  return n;
}

/** The `k`-th event (0-based) of a row, or undefined when the row holds fewer. */
function eventAt(row: Uint8Array, k: number): Uint8Array | undefined {
  let start = 0;
  for (let i = 0; i < k; i++) {
    const nl = row.indexOf(LF, start);
    if (nl < 0) return undefined;
    start = nl + 1;
  }
  const nl = row.indexOf(LF, start);
  return row.subarray(start, nl < 0 ? row.length : nl);
}

/**
 * Collects the events of a bulk write into segment values. Lines that lie back to back in one buffer, LF
 * between them, make one run; a segment of one run is a view of the buffer (no copy), others are joined.
 */
export class SegmentBuilder {
  #bufs: Uint8Array[] = [];
  #starts: number[] = [];
  #ends: number[] = [];
  #count = 0;
  #values: Uint8Array[] = [];

  constructor(readonly per: number = SEGMENT_EVENTS) {}

  /** Adds the event `buf[start, end)` (normal-form JSON bytes). */
  add(buf: Uint8Array, start: number, end: number): void {
    const last = this.#bufs.length - 1;
    if (last >= 0 && this.#bufs[last] === buf && this.#ends[last]! + 1 === start && buf[start - 1] === LF)
      this.#ends[last] = end;
    else {
      this.#bufs.push(buf);
      this.#starts.push(start);
      this.#ends.push(end);
    }
    if (++this.#count === this.per) this.#close();
  }

  #close(): void {
    const n = this.#bufs.length;
    if (n === 0) return;
    if (n === 1) this.#values.push(this.#bufs[0]!.subarray(this.#starts[0], this.#ends[0]));
    else {
      let size = n - 1;
      for (let i = 0; i < n; i++) size += this.#ends[i]! - this.#starts[i]!;
      const value = Buffer.allocUnsafe(size);
      let at = 0;
      for (let i = 0; i < n; i++) {
        if (i > 0) value[at++] = LF;
        value.set(this.#bufs[i]!.subarray(this.#starts[i], this.#ends[i]), at);
        at += this.#ends[i]! - this.#starts[i]!;
      }
      this.#values.push(value);
    }
    this.#bufs = [];
    this.#starts = [];
    this.#ends = [];
    this.#count = 0;
  }

  /** The segment values so far (the last one possibly short); starts afresh. */
  take(): Uint8Array[] {
    this.#close();
    const values = this.#values;
    this.#values = [];
    return values;
  }
}

/** The rows of segment values (as `SegmentBuilder.take` gives them, `per` events each) logged from `first` on. */
export function segmentRows(
  first: number,
  values: readonly Uint8Array[],
  per: number = SEGMENT_EVENTS,
): StateInsert[] {
  return values.map((value, i) => ({ key: seqKey(first + i * per), value }));
}

/** The events of a segment value, in order. */
export function segmentEvents(value: Uint8Array): Uint8Array[] {
  const out: Uint8Array[] = [];
  let start = 0;
  for (let nl = value.indexOf(LF); nl >= 0; nl = value.indexOf(LF, start)) {
    out.push(value.subarray(start, nl));
    start = nl + 1;
  }
  out.push(value.subarray(start));
  return out;
}

/** The sequence number of the log's last event (0 when the log is empty). */
export async function lastLoggedSeq(state: StateReader): Promise<number> {
  for await (const { key, value } of state.scan(EVENT_TABLE, { reverse: true, limit: 1 }))
    return Number(key) + eventsIn(value) - 1;
  return 0;
}

/** The stored bytes of event `seq` (undefined when the log has no such event). */
export async function loggedEventBytes(state: StateReader, seq: number): Promise<Uint8Array | undefined> {
  const row = await state.get(EVENT_TABLE, seqKey(seq));
  if (row !== undefined) return eventAt(row, 0);
  for await (const { key, value } of state.scan(EVENT_TABLE, { lte: seqKey(seq), reverse: true, limit: 1 }))
    return eventAt(value, seq - Number(key));
  return undefined;
}

/**
 * The logged events after `after` (up to `upTo` when given), in sequence order, as their stored bytes. A row
 * that starts at or before `after` is read from its first event after it (a position inside a segment: a
 * snapshot or checkpoint taken there).
 */
export async function* scanLogged(
  state: StateReader,
  after: number,
  upTo?: number,
): AsyncIterable<{ readonly seq: number; readonly bytes: Uint8Array }> {
  let from = seqKey(after);
  let inclusive = false;
  if (after > 0)
    for await (const { key, value } of state.scan(EVENT_TABLE, { lte: from, reverse: true, limit: 1 }))
      if (Number(key) + eventsIn(value) - 1 > after) {
        from = key;
        inclusive = true;
      }
  const bounds = {
    ...(inclusive ? { gte: from } : { gt: from }),
    ...(upTo !== undefined ? { lte: seqKey(upTo) } : {}),
  };
  for await (const { key, value } of state.scan(EVENT_TABLE, bounds)) {
    let seq = Number(key);
    let start = 0;
    for (;;) {
      const nl = value.indexOf(LF, start);
      const end = nl < 0 ? value.length : nl;
      if (upTo !== undefined && seq > upTo) return;
      if (seq > after) yield { seq, bytes: value.subarray(start, end) };
      if (nl < 0) break;
      seq++;
      start = nl + 1;
    }
  }
}
