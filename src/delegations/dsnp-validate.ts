// DSNP batch validation: every row's fromId must have been delegated to the publishing provider (for an intent,
// when given) at the announcement block, under keyward's or Frequency's reading of the history.
import { type DsnpBatch, LARGE_FROM_ID, NULL_FROM_ID } from "../interop/dsnp/batch-reader.js";
import type { DelegationIndex } from "./delegation-index.js";
import type { DelegationId } from "./ids.js";
import { LookupBatch } from "./lookup-batch.js";
import { RowVerdictWriter } from "./row-verdicts.js";
import { SemanticLookup, type Semantics } from "./semantics.js";

/** What to check every row of a batch against. */
export interface DsnpValidateOptions {
  readonly provider: DelegationId;
  /** The announcement's block number. */
  readonly at: number;
  /** Intent (schema) id; without it, any scope of the (fromId, provider) delegation counts. */
  readonly intent?: DelegationId;
  readonly semantics: Semantics;
  /** Receives the per-row verdicts as NDJSON text in ~64 KiB chunks (awaited: backpressure). */
  readonly write?: (chunk: string) => void | Promise<void>;
  /** Called after each row group with its row count (progress bars). */
  readonly onProgress?: (rows: number) => void;
}

/** Totals of one batch (the CLI's stdout line). */
export interface DsnpValidationSummary {
  readonly announcementType: number;
  readonly type: string;
  readonly provider: DelegationId;
  readonly at: number;
  readonly intent: DelegationId | null;
  readonly semantics: Semantics;
  rows: number;
  authorized: number;
  unauthorized: number;
  invalid: number;
}

/**
 * Checks every row of `batch` and streams one NDJSON verdict per row (row = 1-based row number in the file):
 * `{"row":N,"fromId":ID,"verdict":"authorized","from":F,"until":U|null}` (keyward: valid `from ≤ at < until`),
 * `…,"from":F,"revokedAt":R|null}` (frequency: valid through block R), `{"row":N,"fromId":ID,"verdict":
 * "unauthorized"}` or `{"row":N,"verdict":"invalid","error":"…"}` (no fromId, a fromId above 2^53−1, or a
 * row whose announcementType is not the file's). Memory: one row group of two columns plus 64 KiB of output.
 * @example const s = await validateDsnpBatch(index, await DsnpBatch.open(file), { provider: 1, at: 400, semantics: "frequency" });
 */
export async function validateDsnpBatch(
  index: DelegationIndex,
  batch: DsnpBatch,
  options: DsnpValidateOptions,
): Promise<DsnpValidationSummary> {
  const type = batch.info.type;
  const summary: DsnpValidationSummary = {
    announcementType: type.announcementType,
    type: type.name,
    provider: options.provider,
    at: options.at,
    intent: options.intent ?? null,
    semantics: options.semantics,
    rows: 0,
    authorized: 0,
    unauthorized: 0,
    invalid: 0,
  };
  const lookup = new SemanticLookup(index, options.semantics);
  const out = options.write
    ? new RowVerdictWriter(options.write, options.semantics === "frequency")
    : undefined;
  const { provider, intent, at } = options;
  // Integer provider and intent: rows are looked up 1,024 at a time (DelegationIndex.locateMany, keyward's
  // half-open reading); under Frequency's reading a miss is looked at again inclusively (only the revoke block
  // itself can differ). Otherwise (string ids, any scope) one lookup per row.
  const batched = typeof provider === "number" && typeof intent === "number";
  const queries = new LookupBatch();
  const { delegators, found, tags: rowOf } = queries;
  const inclusive = options.semantics === "frequency";
  const flush = () => {
    const n = queries.size;
    if (n === 0) return;
    if (batched) index.locateMany(queries);
    const again = batched && inclusive ? lookup.prepare(provider, intent) : undefined;
    for (let j = 0; j < n; j++) {
      let i = batched ? found[j]! : lookup.locate(delegators[j]!, provider, intent, at);
      if (again && i < 0) i = again(delegators[j]!, at);
      if (i >= 0) {
        summary.authorized++;
        out?.authorized(rowOf[j]!, delegators[j]!, index.intervalFrom(i), index.intervalUntil(i));
      } else {
        summary.unauthorized++;
        out?.unauthorized(rowOf[j]!, delegators[j]!);
      }
    }
    queries.clear();
  };
  for await (const g of batch.rowGroups()) {
    const ids = g.fromId;
    const kinds = g.announcementType;
    for (let r = 0; r < g.rows; r++) {
      const row = g.rowStart + r + 1;
      const id = ids[r]!;
      summary.rows++;
      if (id >= 0 && kinds[r] === type.announcementType) {
        // Unbatched (string provider or intent, or any scope): only `delegators` and `tags` are read back.
        if (queries.push(id, batched ? provider : 0, batched ? intent : 0, at, row)) flush();
        continue;
      }
      flush(); // verdicts stay in row order
      summary.invalid++;
      out?.invalid(
        row,
        id === NULL_FROM_ID
          ? "fromId is null"
          : id === LARGE_FROM_ID
            ? "fromId is above 2^53-1 (not a keyward id)"
            : `announcementType is not ${type.announcementType} (${type.name})`,
      );
    }
    flush();
    options.onProgress?.(g.rows);
    await out?.maybeFlush();
  }
  await out?.flush();
  return summary;
}
