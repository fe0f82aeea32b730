// NDJSON event import: validate the whole file first (nothing applied on any bad line), then apply resumably.
import { blake3 } from "@noble/hashes/blake3.js";
import { bytesToHex } from "../crypto/bytes.js";
import type { ErrorCode } from "../errors/codes.js";
import { KeywardError } from "../errors/keyward-error.js";
import { RecordTable } from "../store/records.js";
import { BatchRefusedError, type DelegationStore } from "./delegation-store.js";
import { DELEGATION_TABLES, hashHex, idRecords } from "./event-log.js";
import { type DelegationEvent, eventHash, parseEvent } from "./events.js";
import { forEachLine } from "./lines.js";

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

/** Progress of one import, keyed by the file's BLAKE3 hash (stored in the same transaction as each batch). */
interface ImportProgress {
  readonly lines: number;
  readonly done: boolean;
}
const progressRecords = new RecordTable<ImportProgress>(DELEGATION_TABLES.import);

/** Totals of an import. */
export interface ImportSummary {
  readonly lines: number;
  readonly events: number;
  readonly applied: number;
  /** Events whose id was already applied with the same content. */
  readonly duplicates: number;
  /** Lines skipped because an earlier, interrupted run of the same file already applied them. */
  readonly resumedAfterLine: number;
  /** BLAKE3 of the file (hex): the resume key. */
  readonly fileHash: string;
}

/** Options of `importEvents`. */
export interface ImportOptions {
  /** Opens the file again for each pass (it is read three times: parse + hash, dry run, apply). */
  readonly open: () => AsyncIterable<Uint8Array>;
  readonly onProgress?: (phase: "parse" | "check" | "apply", bytes: number) => void;
  /** Events per transaction in the apply pass (default 1000). */
  readonly batchSize?: number;
}

export const MAX_REPORTED = 20;

async function eachEvent(
  options: ImportOptions,
  phase: "parse" | "check" | "apply",
  fn: (e: DelegationEvent, line: number) => void,
  onChunk?: () => Promise<void>,
): Promise<number> {
  return forEachLine(
    options.open(),
    (text, line) => {
      if (text.trim().length > 0) fn(parseEvent(JSON.parse(text)), line);
    },
    async (chunk) => {
      options.onProgress?.(phase, chunk.length);
      await onChunk?.();
    },
  );
}

/**
 * Imports NDJSON events (`{"op":"grant"|"revoke","delegator","provider","scopes"?,"at","expiresAt"?,"id"?}`).
 * Pass 1 parses every line; pass 2 dry-runs the remaining events on a copy of the index (ordering, revokes of
 * unknown scopes, id reuse); only when both are clean does pass 3 apply them in batches, each batch in one
 * transaction together with the file's progress record. Re-running the same file after an interruption resumes
 * after the last committed batch; re-running a finished file applies nothing.
 * @throws ImportRefusedError listing bad lines (nothing applied by this run), or — only if another writer
 *   interleaves a conflicting event during pass 3 — naming the refused line (earlier batches stay; resumable).
 */
export async function importEvents(store: DelegationStore, options: ImportOptions): Promise<ImportSummary> {
  const errors: LineError[] = [];
  const hasher = blake3.create();
  let events = 0;
  // Pass 1: syntax of every line, file hash.
  const lines = await forEachLine(
    options.open(),
    (text, line) => {
      if (text.trim().length === 0) return;
      try {
        parseEvent(JSON.parse(text));
        events++;
      } catch (err) {
        if (errors.length < MAX_REPORTED)
          errors.push({
            line,
            code: "invalid_input",
            message: err instanceof SyntaxError ? "not valid JSON" : (err as Error).message,
          });
      }
    },
    (chunk) => {
      hasher.update(chunk);
      options.onProgress?.("parse", chunk.length);
    },
  );
  const fileHash = bytesToHex(hasher.digest());
  if (errors.length) throw new ImportRefusedError(errors);

  const progress = await progressRecords.get(store.storage.state, fileHash);
  const from = progress?.lines ?? 0;
  const base = { lines, events, fileHash, resumedAfterLine: from };
  if (progress?.done) return { ...base, applied: 0, duplicates: 0 };

  // Pass 2: dry run of the remaining events on a copy of the index.
  await store.sync();
  const copy = store.index.clone();
  const ids = new Map<string, string>();
  const pendingIds: { id: string; hash: string; line: number }[] = [];
  const checkIds = async () => {
    for (const p of pendingIds.splice(0)) {
      const rec = await idRecords.get(store.storage.state, p.id);
      if (rec && rec.hash !== p.hash && errors.length < MAX_REPORTED)
        errors.push({
          line: p.line,
          code: "conflict",
          message: `id ${JSON.stringify(p.id)} was already used for a different event`,
        });
    }
  };
  await eachEvent(
    options,
    "check",
    (e, line) => {
      if (line <= from || errors.length >= MAX_REPORTED) return;
      if (e.id !== undefined) {
        const hash = hashHex(eventHash(e));
        const seen = ids.get(e.id);
        if (seen !== undefined) {
          if (seen !== hash)
            errors.push({
              line,
              code: "conflict",
              message: `id ${JSON.stringify(e.id)} is used twice for different events`,
            });
          return;
        }
        ids.set(e.id, hash);
        pendingIds.push({ id: e.id, hash, line });
      }
      try {
        copy.apply(e);
      } catch (err) {
        if (!(err instanceof KeywardError)) throw err;
        errors.push({ line, code: err.code, message: err.message });
      }
    },
    checkIds,
  );
  await checkIds();
  if (errors.length) throw new ImportRefusedError(errors.sort((a, b) => a.line - b.line));

  // Pass 3: apply in batches; each batch commits with the progress record.
  const size = options.batchSize ?? 1000;
  let batch: { e: DelegationEvent; line: number }[] = [];
  let applied = 0;
  let duplicates = 0;
  const flush = async () => {
    if (batch.length === 0) return;
    const current = batch;
    batch = [];
    const last = current[current.length - 1]!.line;
    try {
      const out = await store.write(
        current.map((b) => b.e),
        (tx) => progressRecords.put(tx.state, fileHash, { lines: last, done: false }),
      );
      for (const o of out) o.status === "applied" ? applied++ : duplicates++;
    } catch (err) {
      if (err instanceof BatchRefusedError)
        throw new ImportRefusedError([
          { line: current[err.index]!.line, code: err.code, message: err.message },
        ]);
      throw err;
    }
  };
  await eachEvent(
    options,
    "apply",
    (e, line) => {
      if (line > from) batch.push({ e, line });
    },
    async () => {
      if (batch.length >= size) await flush();
    },
  );
  await flush();
  await progressRecords.put(store.storage.state, fileHash, { lines, done: true });
  return { ...base, applied, duplicates };
}
