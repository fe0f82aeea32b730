// Import pass 2: the checked file again, as bytes; each batch is verified against pass 1 and committed as
// multi-row inserts in one transaction with the import's progress record.
import { KeywardError } from "../errors/keyward-error.js";
import type { StateInsert, StateWriter, StorageTx } from "../store/ports.js";
import { BatchRefusedError, type DelegationStore } from "./delegation-store.js";
import { DELEGATION_TABLES } from "./event-log.js";
import { type DelegationEvent, parseEvent } from "./events.js";
import { ImportRefusedError } from "./import-check.js";
import { BatchDigests, LINE_BLANK, LINE_DUPLICATE, LINE_NORMALIZE, type LineFlags } from "./import-lines.js";
import { forEachLineBytes } from "./line-bytes.js";
import { lastLoggedSeq, SegmentBuilder, segmentEvents, segmentRows } from "./log-segments.js";

/** A batch ready to commit: its events as segment values, their lines and ids, the last line it covers. */
interface Batch {
  readonly segments: Uint8Array[];
  readonly lines: number[];
  readonly ids: (string | undefined)[];
  readonly lastLine: number;
}

/** The log gained an event this import did not write: fall back to validated writes. */
class Interleaved extends Error {}

const ID_KEY = Buffer.from(',"id":"');
const QUOTE = 0x22;
const BRACE = 0x7d;
const BACKSLASH = 0x5c;
const ZERO = 0x30;

/**
 * The id of a line in normal form (`JSON.stringify` of a parsed event: `id`, when present, is the last key, and
 * `,"` cannot occur inside a JSON string of that output, where every quote is escaped).
 */
function idOf(buf: Buffer, start: number, end: number): string | undefined {
  if (end - start < 2 || buf[end - 1] !== BRACE || buf[end - 2] !== QUOTE) return undefined;
  // A backward scan from the end: Buffer#lastIndexOf may walk the whole chunk (measured: a quarter of an import).
  let at = end - 2 - ID_KEY.length;
  while (at >= start && !matchesAt(buf, at, ID_KEY)) at--;
  if (at < start) return undefined;
  const from = at + ID_KEY.length;
  // Without a backslash the JSON string is its own text; with escapes, JSON.parse decodes them. The scan stays
  // inside the line (Buffer#indexOf would walk the rest of the 1 MiB chunk: measured, a quarter of an import).
  let slash = from;
  while (slash < end && buf[slash] !== BACKSLASH) slash++;
  if (slash >= end) return buf.toString("utf8", from, end - 2);
  return JSON.parse(buf.toString("utf8", from - 1, end - 1)) as string;
}

function matchesAt(buf: Buffer, at: number, needle: Buffer): boolean {
  for (let i = 0; i < needle.length; i++) if (buf[at + i] !== needle[i]) return false;
  return true;
}

const SEQ_OPEN = Buffer.from('{"seq":');
// `{"seq":` + at most 16 digits (2^53) + `}`.
const ID_ROW_BYTES = SEQ_OPEN.length + 17;

/**
 * The id records (`{"seq":N}`) of a batch's events logged from `first` on, as views of one buffer: one
 * allocation per batch instead of one string and one Buffer per event.
 */
function idRows(first: number, ids: readonly (string | undefined)[]): StateInsert[] {
  const buf = Buffer.allocUnsafe(ids.length * ID_ROW_BYTES);
  const rows: StateInsert[] = [];
  let at = 0;
  for (let i = 0; i < ids.length; i++) {
    const key = ids[i];
    if (key === undefined) continue;
    const start = at;
    at += SEQ_OPEN.copy(buf, at);
    at = writeDecimal(buf, at, first + i);
    buf[at++] = BRACE;
    rows.push({ key, value: new Uint8Array(buf.buffer, buf.byteOffset + start, at - start) });
  }
  return rows;
}

/** Writes the decimal digits of a safe non-negative integer at `buf[at]`; returns the offset after them. */
function writeDecimal(buf: Buffer, at: number, n: number): number {
  let digits = 1;
  for (let m = n; m >= 10; m = Math.floor(m / 10)) digits++;
  for (let k = at + digits - 1; k >= at; k--) {
    buf[k] = ZERO + (n % 10);
    n = Math.floor(n / 10);
  }
  return at + digits;
}

/** What the apply pass did. */
export interface ApplyResult {
  readonly applied: number;
  readonly duplicates: number;
  /** False when another writer interleaved: the later batches went through `DelegationStore.write`. */
  readonly fast: boolean;
}

/**
 * Applies the lines after `from` that pass 1 checked. In the fast path a batch is written only when the log
 * still ends where this import left it (checked inside the transaction; create-only inserts catch a writer on
 * another instance), without touching the live index (the caller adopts the dry-run copy at the end). When
 * another writer interleaved, this and every later batch is re-validated by `DelegationStore.write`.
 * @throws KeywardError `conflict` when the file changed since pass 1 (nothing of the changed batch written).
 * @throws ImportRefusedError (slow path only) naming the refused line of the batch; earlier batches stay.
 */
export async function applyEvents(
  store: DelegationStore,
  source: AsyncIterable<Uint8Array>,
  options: {
    /** The log position the check pass ran against (the dry-run copy's starting point). */
    readonly baseSeq: number;
    readonly from: number;
    readonly flags: LineFlags;
    readonly digests: readonly Buffer[];
    readonly batchSize: number;
    readonly progress: (state: StateWriter, lines: number) => Promise<void>;
    readonly onProgress?: (bytes: number) => void;
  },
): Promise<ApplyResult> {
  const { from, flags } = options;
  const digests = new BatchDigests(options.batchSize);
  const builder = new SegmentBuilder();
  let lines: number[] = [];
  let ids: (string | undefined)[] = [];
  let lastLine = from;
  const ready: Batch[] = [];
  let seq = options.baseSeq;
  let fast = true;
  let applied = 0;
  let duplicates = 0;

  const verify = () => {
    const k = digests.digests.length - 1;
    const want = options.digests[k];
    if (!want?.equals(digests.digests[k]!))
      throw new KeywardError(
        "conflict",
        `the file changed during the import (lines ${from + 1}–${lastLine})`,
      );
    ready.push({ segments: builder.take(), lines, ids, lastLine });
    lines = [];
    ids = [];
  };

  const commitFast = async (b: Batch) => {
    const first = seq + 1;
    await store.storage.transaction(async (tx) => {
      if ((await lastLoggedSeq(tx.state)) !== seq) throw new Interleaved();
      // Segments of SEGMENT_EVENTS events: the first row's key is the one any concurrent writer inserts first.
      const events = segmentRows(first, b.segments, builder.per);
      if ((await tx.state.insertMany(DELEGATION_TABLES.event, events)) !== events.length)
        throw new Interleaved();
      const bound = idRows(first, b.ids);
      if ((await tx.state.insertMany(DELEGATION_TABLES.id, bound)) !== bound.length) throw new Interleaved();
      await options.progress(tx.state, b.lastLine);
    });
    seq += b.lines.length;
    applied += b.lines.length;
  };

  const commitSlow = async (b: Batch) => {
    const events: DelegationEvent[] = b.segments
      .flatMap(segmentEvents)
      .map((v) => parseEvent(JSON.parse(Buffer.from(v).toString())));
    try {
      const out = await store.write(events, (tx: StorageTx) => options.progress(tx.state, b.lastLine));
      for (const o of out) o.status === "applied" ? applied++ : duplicates++;
    } catch (err) {
      if (err instanceof BatchRefusedError)
        throw new ImportRefusedError([{ line: b.lines[err.index]!, code: err.code, message: err.message }]);
      throw err;
    }
  };

  const commitReady = async () => {
    for (const b of ready.splice(0)) {
      if (b.lines.length === 0)
        await store.storage.transaction((tx) => options.progress(tx.state, b.lastLine));
      else if (!fast) await commitSlow(b);
      else
        try {
          await commitFast(b);
        } catch (err) {
          if (!(err instanceof Interleaved)) throw err;
          fast = false;
          await commitSlow(b);
        }
    }
  };

  await forEachLineBytes(
    source,
    (buf, start, end, line) => {
      if (line <= from) return;
      const flag = flags.get(line);
      lastLine = line;
      if (flag === LINE_DUPLICATE) duplicates++;
      else if (flag === LINE_NORMALIZE) {
        const e = parseEvent(JSON.parse(buf.toString("utf8", start, end)));
        const value = Buffer.from(JSON.stringify(e));
        builder.add(value, 0, value.length);
        lines.push(line);
        ids.push(e.id);
      } else if (flag !== LINE_BLANK) {
        builder.add(buf, start, end);
        lines.push(line);
        ids.push(idOf(buf, start, end));
      }
      if (digests.add(buf, start, end, flag !== LINE_BLANK)) verify();
    },
    async (chunk) => {
      options.onProgress?.(chunk.length);
      await commitReady();
    },
  );
  digests.close();
  verify();
  if (digests.digests.length !== options.digests.length)
    throw new KeywardError("conflict", "the file changed during the import (its length differs)");
  await commitReady();
  return { applied, duplicates, fast };
}
