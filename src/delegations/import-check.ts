// Import pass 1: every line parsed and dry-run on a copy of the index, ids checked, per-batch digests recorded.
import { createHash } from "node:crypto";
import type { ErrorCode } from "../errors/codes.js";
import { InputRangeError } from "../errors/input-errors.js";
import { KeywardError } from "../errors/keyward-error.js";
import type { StateReader } from "../store/ports.js";
import type { DelegationIndex } from "./delegation-index.js";
import { parseNormalEvent } from "./event-bytes.js";
import { boundEventHash, DELEGATION_TABLES, hashHex, type IdRecord } from "./event-log.js";
import { type DelegationEvent, eventHash, parseEvent } from "./events.js";
import { BatchDigests, LINE_BLANK, LINE_DUPLICATE, LINE_NORMALIZE, LineFlags } from "./import-lines.js";
import { DryRunSample } from "./import-reserve.js";
import { forEachLineBytes } from "./line-bytes.js";
import { MAX_LINE_LENGTH } from "./lines.js";
import { ExactSeenIds, HashedSeenIds, type SeenIds } from "./seen-ids.js";

/** One refused line. */
export interface LineError {
  readonly line: number;
  readonly code: ErrorCode;
  readonly message: string;
}

/** Import refused: `details.errors` lists the bad lines (at most MAX_REPORTED). */
export class ImportRefusedError extends KeywardError {
  constructor(readonly errors: LineError[]) {
    const first = errors[0]!;
    const more =
      errors.length > 1
        ? ` (and ${errors.length - 1} more: lines ${errors
            .slice(1)
            .map((e) => e.line)
            .join(", ")})`
        : "";
    super(first.code, `line ${first.line}: ${first.message}${more}`, { errors });
  }
}

/** At most this many bad lines are reported (the scan goes on to count lines). */
export const MAX_REPORTED = 20;

/** What the check pass found. */
export interface CheckResult {
  readonly lines: number;
  readonly events: number;
  /** Events to apply (not duplicates), after `from`. */
  readonly toApply: number;
  readonly duplicates: number;
  readonly fileHash: string;
  readonly flags: LineFlags;
  readonly digests: Buffer[];
  /** Syntax errors when there are any (then nothing else was checked), else the rule violations. */
  readonly errors: LineError[];
}

/** Pending events resolved at once when nothing is looked up in the store. */
const RESOLVE_AT_ONCE = 512;
const utf8 = new TextDecoder("utf-8", { fatal: true });
const latin1 = (buf: Buffer, start: number, end: number) => buf.toString("latin1", start, end);

/**
 * The text of a line (the lines a byte read does not take).
 * @throws {RangeError} when it is not valid UTF-8 or longer than MAX_LINE_LENGTH (the import stops, as before).
 */
function decodeLine(buf: Buffer, start: number, end: number, line: number): string {
  let text: string;
  try {
    text = utf8.decode(buf.subarray(start, end));
  } catch {
    throw new InputRangeError(`line ${line}: input is not valid UTF-8`);
  }
  if (text.length > MAX_LINE_LENGTH) throw new InputRangeError(`line ${line} is too long`);
  return text;
}

interface Parsed {
  readonly line: number;
  readonly e: DelegationEvent;
  readonly normal: boolean;
}

/** Two ids of the file share their hash: the check pass must run again with exact ids (`exactIds`). */
export class IdHashCollision extends Error {}

/** An id used again in the file: its line and the line of its first use. */
interface Repeat {
  readonly line: number;
  readonly first: number;
  readonly id: string;
}

/** The normal-form JSON of a line pass 1 parsed (undefined if it no longer parses: the file changed). */
function normalJson(buf: Buffer, start: number, end: number, line: number): string | undefined {
  if (parseNormalEvent(buf, start, end) !== undefined) return latin1(buf, start, end);
  try {
    return JSON.stringify(parseEvent(JSON.parse(decodeLine(buf, start, end, line))));
  } catch {
    return undefined;
  }
}

/**
 * Reads the file again for the lines of repeated ids and refuses each repeat whose event differs from the
 * id's first use (the check pass took it as a duplicate).
 * @throws KeywardError `conflict` when the file is not the one the check pass read.
 * @throws IdHashCollision when a hashed repeat is another id (`exact` false).
 */
async function sameRepeats(
  source: AsyncIterable<Uint8Array>,
  fileHash: string,
  repeats: readonly Repeat[],
  rules: LineError[],
  exact: boolean,
): Promise<void> {
  const json = new Map<number, string | undefined>();
  for (const r of repeats) json.set(r.line, undefined).set(r.first, undefined);
  const sha = createHash("sha256");
  await forEachLineBytes(
    source,
    (buf, start, end, line) => {
      if (json.has(line)) json.set(line, normalJson(buf, start, end, line));
    },
    (chunk) => {
      sha.update(chunk);
    },
  );
  if (sha.digest("hex") !== fileHash)
    throw new KeywardError("conflict", "the file changed during the import (while its ids were checked)");
  for (const r of repeats) {
    const a = json.get(r.line);
    const first = json.get(r.first);
    if (!exact && first !== undefined && (JSON.parse(first) as { id?: string }).id !== r.id)
      throw new IdHashCollision();
    if (a === undefined || a !== first)
      rules.push({
        line: r.line,
        code: "conflict",
        message: `id ${JSON.stringify(r.id)} is used twice for different events`,
      });
  }
}

/** True when the event an id record is bound to has the same content as `p` (hashed only for ids that return). */
async function sameAsLogged(state: StateReader, rec: IdRecord, p: Parsed): Promise<boolean> {
  return (await boundEventHash(state, rec)) === hashHex(eventHash(p.e));
}

/**
 * Reads the file once: hashes it (SHA-256, the resume key), parses every line (syntax errors stop the rule
 * checks, as before), and for lines after `from` applies each event to `copy` (a clone of the live index) with
 * the same rules a write applies, resolving ids against the file so far and the store (`getMany` per chunk).
 */
export async function checkEvents(
  source: AsyncIterable<Uint8Array>,
  options: {
    readonly state: StateReader;
    readonly copy: DelegationIndex;
    readonly from: number;
    readonly batchSize: number;
    readonly onProgress?: (bytes: number) => void;
    /** The file again: read a third time only when an id is used twice within it. */
    readonly reopen: () => AsyncIterable<Uint8Array>;
    /** Ids kept exactly (after an IdHashCollision) rather than hashed. */
    readonly exactIds?: boolean;
    /** The file's size in bytes, when known: the dry run reserves room for the events it likely holds. */
    readonly size?: number;
  },
): Promise<CheckResult> {
  const { state, copy, from } = options;
  const file = createHash("sha256");
  const digests = new BatchDigests(options.batchSize);
  const flags = new LineFlags();
  const syntax: LineError[] = [];
  const rules: LineError[] = [];
  // Id → line of its first use in the file (hashed: no copy of any id or event kept); a repeat is taken as a
  // duplicate and compared with its first use by `sameRepeats` once the pass is done.
  const seen: SeenIds = options.exactIds ? new ExactSeenIds() : new HashedSeenIds();
  const repeats: Repeat[] = [];
  let pending: Parsed[] = [];
  let events = 0;
  let read = 0;
  let toApply = 0;
  let duplicates = 0;

  // A first sync (no id stored yet) looks nothing up; an id another writer stores meanwhile is caught by the
  // apply pass's create-only insert, which then re-validates through DelegationStore.write.
  let idsStored = false;
  for await (const _ of state.scan(DELEGATION_TABLES.id, { limit: 1 })) idsStored = true;

  /** Ids against the file so far: returns the events whose id is new to it (to look up in the store). */
  const checkSeen = (batch: Parsed[], skip: Set<Parsed>): Parsed[] => {
    const lookup: Parsed[] = [];
    for (const p of batch) {
      const id = p.e.id;
      if (id === undefined) continue;
      const first = seen.firstOrAdd(id, p.line);
      if (first === 0) lookup.push(p);
      else {
        repeats.push({ line: p.line, first, id });
        skip.add(p);
      }
    }
    return lookup;
  };

  /** The dry run of a batch whose duplicates are known, in line order. */
  const applyBatch = (batch: Parsed[], skip: Set<Parsed>) => {
    for (const p of batch) {
      if (skip.has(p)) {
        flags.set(p.line, LINE_DUPLICATE);
        duplicates++;
        continue;
      }
      if (!p.normal) flags.set(p.line, LINE_NORMALIZE);
      if (rules.length >= MAX_REPORTED) continue;
      try {
        copy.applyLogged(copy.lastSeq + 1, p.e);
        toApply++;
      } catch (err) {
        if (!(err instanceof KeywardError) || err.code === "internal") throw err;
        rules.push({ line: p.line, code: err.code, message: err.message });
      }
    }
  };

  /** Resolves the pending events: ids (the store's looked up in one read), then the dry run. */
  const resolve = async () => {
    const batch = pending;
    pending = [];
    if (syntax.length) return;
    const skip = new Set<Parsed>();
    const lookup = checkSeen(batch, skip);
    if (lookup.length && idsStored) {
      const found = await state.getMany(
        DELEGATION_TABLES.id,
        lookup.map((p) => p.e.id!),
      );
      for (const [i, bytes] of found.entries()) {
        if (bytes === undefined) continue;
        const p = lookup[i]!;
        if (await sameAsLogged(state, JSON.parse(Buffer.from(bytes).toString("utf8")) as IdRecord, p))
          skip.add(p);
        else
          rules.push({
            line: p.line,
            code: "conflict",
            message: `id ${JSON.stringify(p.e.id)} was already used for a different event`,
          });
      }
    }
    applyBatch(batch, skip);
  };

  /** With no id stored (a first sync), nothing is looked up: small batches resolve at once (short-lived objects). */
  const resolveNow = () => {
    const batch = pending;
    pending = [];
    if (syntax.length) return;
    const skip = new Set<Parsed>();
    checkSeen(batch, skip);
    applyBatch(batch, skip);
  };

  // The first chunk is the sample: the rest of the file likely holds events, keys and pairs in its proportions.
  const sample = new DryRunSample(copy);
  const lines = await forEachLineBytes(
    source,
    (buf, start, end, line) => {
      // A line in normal form is read from its bytes; any other line is decoded and takes the JSON.parse path.
      const brace = buf[start] === 123;
      let e = brace ? parseNormalEvent(buf, start, end) : undefined;
      const text = e === undefined ? decodeLine(buf, start, end, line) : undefined;
      // An event line starts with "{": only other lines pay for trim().
      const blank = !brace && text!.trim().length === 0;
      if (line > from) {
        digests.add(buf, start, end, !blank);
        if (blank) flags.set(line, LINE_BLANK);
      }
      if (blank) return;
      events++;
      if (e === undefined)
        try {
          e = parseEvent(JSON.parse(text!));
        } catch (err) {
          if (syntax.length < MAX_REPORTED)
            syntax.push({
              line,
              code: "invalid_input",
              message: err instanceof SyntaxError ? "not valid JSON" : (err as Error).message,
            });
          return;
        }
      if (line <= from || syntax.length) return;
      pending.push({ line, e, normal: text === undefined || JSON.stringify(e) === text });
      if (!idsStored && pending.length >= RESOLVE_AT_ONCE) resolveNow();
    },
    async (chunk) => {
      file.update(chunk);
      options.onProgress?.(chunk.length);
      await resolve();
      if (read === 0 && options.size !== undefined)
        sample.reserve(copy, seen, options.size - chunk.length, chunk.length, events, toApply);
      read += chunk.length;
    },
  );
  await resolve();
  digests.close();
  const fileHash = file.digest("hex");
  if (repeats.length && !syntax.length)
    await sameRepeats(options.reopen(), fileHash, repeats, rules, seen.exact);
  return {
    lines,
    events,
    toApply,
    duplicates,
    fileHash,
    flags,
    digests: digests.digests,
    errors: syntax.length ? syntax : rules.sort((a, b) => a.line - b.line).slice(0, MAX_REPORTED),
  };
}
