// Reads a DSNP batch publication (Parquet) with hyparquet: checks the footer is one announcement type's layout with
// at most 128 Ki rows, then hands out only the fromId and announcementType columns, one row group at a time.
import { gunzipSync } from "node:zlib";
import { type AsyncBuffer, type FileMetaData, parquetMetadataAsync, parquetScan } from "hyparquet";
import { InputRangeError } from "../../errors/input-errors.js";
import { DSNP_MAX_BATCH_ROWS, type DsnpBatchType, dsnpBatchTypeOf } from "./batch-schema.js";

export type { AsyncBuffer } from "hyparquet";

/** `DsnpRowGroup.fromId` of a row whose fromId is null. */
export const NULL_FROM_ID = -1;
/** `DsnpRowGroup.fromId` of a row whose fromId is above 2^53−1 (not a keyward integer id). */
export const LARGE_FROM_ID = -2;

/** One row group's columns that keyward reads (row numbers are 0-based over the whole file). */
export interface DsnpRowGroup {
  readonly rowStart: number;
  readonly rows: number;
  /** fromId per row as a number (UINT_64 ≤ 2^53−1), or NULL_FROM_ID / LARGE_FROM_ID. */
  readonly fromId: Float64Array;
  /** announcementType per row (must equal the file's type). */
  readonly announcementType: ArrayLike<number | null>;
}

/** What the footer says. */
export interface DsnpBatchInfo {
  readonly type: DsnpBatchType;
  readonly rows: number;
  readonly rowGroups: number;
}

// DSNP's schemas compress with GZIP; hyparquet decodes SNAPPY itself. Others are refused by hyparquet by name.
const COMPRESSORS = {
  GZIP: (input: Uint8Array) => new Uint8Array(gunzipSync(input)),
};

/**
 * fromIds as numbers. A decoded BigUint64Array is read through 32-bit halves of its buffer (no BigInt per row:
 * this is most of the reading cost otherwise); other shapes (dictionary pages, nulls) element by element.
 */
function fromIdNumbers(raw: ArrayLike<bigint | null>): Float64Array {
  const out = new Float64Array(raw.length);
  if (raw instanceof BigUint64Array) {
    const w = new Uint32Array(raw.buffer, raw.byteOffset, raw.length * 2);
    for (let i = 0; i < raw.length; i++) {
      const hi = w[2 * i + 1]!; // little-endian: low word first (Node runs little-endian only)
      out[i] = hi < 0x200000 ? hi * 0x100000000 + w[2 * i]! : LARGE_FROM_ID;
    }
    return out;
  }
  const max = BigInt(Number.MAX_SAFE_INTEGER);
  for (let i = 0; i < raw.length; i++) {
    const v = raw[i];
    out[i] = v === null || v === undefined ? NULL_FROM_ID : v > max ? LARGE_FROM_ID : Number(v);
  }
  return out;
}

const reason = (err: unknown) => (err instanceof Error ? err.message.slice(0, 120) : "unreadable");

// A column of n 64-bit values never needs more than this many uncompressed bytes (values + page headers +
// levels); a footer that claims more is refused before anything is allocated.
const maxChunkBytes = (rows: number) => rows * 16 + (1 << 20);

/**
 * An opened DSNP batch file: its validated footer and a row-group iterator.
 * @example
 * const batch = await DsnpBatch.open(file);
 * for await (const g of batch.rowGroups()) for (let i = 0; i < g.rows; i++) use(g.fromId[i]);
 */
export class DsnpBatch {
  private constructor(
    private readonly file: AsyncBuffer,
    private readonly metadata: FileMetaData,
    readonly info: DsnpBatchInfo,
  ) {}

  /**
   * Reads and checks the footer.
   * @throws {RangeError} `not a Parquet file`, `not a DSNP batch file: …` (columns, types, nesting) or more
   *   than 131,072 rows.
   */
  static async open(file: AsyncBuffer): Promise<DsnpBatch> {
    let metadata: FileMetaData;
    try {
      metadata = await parquetMetadataAsync(file);
    } catch {
      throw new InputRangeError("not a Parquet file (no valid footer)");
    }
    const [root, ...columns] = metadata.schema;
    if (!root || root.num_children !== columns.length)
      throw new InputRangeError("not a DSNP batch file: nested columns");
    const type = dsnpBatchTypeOf(columns);
    const rows = Number(metadata.num_rows);
    if (rows > DSNP_MAX_BATCH_ROWS)
      throw new InputRangeError(
        `not a DSNP batch file: ${rows} rows, more than ${DSNP_MAX_BATCH_ROWS} (BatchPublications.md)`,
      );
    let sum = 0;
    for (const g of metadata.row_groups) {
      const n = Number(g.num_rows);
      sum += n;
      for (const c of g.columns) {
        const m = c.meta_data;
        const name = m?.path_in_schema.join(".");
        if (
          (name === "fromId" || name === "announcementType") &&
          Number(m?.total_uncompressed_size) > maxChunkBytes(n)
        )
          throw new InputRangeError(`not a DSNP batch file: column ${name} claims an implausible size`);
      }
    }
    if (sum !== rows) throw new InputRangeError("not a Parquet file: row groups do not add up to num_rows");
    return new DsnpBatch(file, metadata, { type, rows, rowGroups: metadata.row_groups.length });
  }

  /**
   * The fromId and announcementType columns of each row group in file order (only these two column chunks are
   * read and decompressed: memory is bounded by one row group of two 64-bit columns).
   * @throws {RangeError} `not a Parquet file: …` for a corrupt column chunk.
   */
  async *rowGroups(): AsyncIterable<DsnpRowGroup> {
    let scan: Awaited<ReturnType<typeof parquetScan>>;
    try {
      scan = await parquetScan({
        file: this.file,
        metadata: this.metadata,
        columns: ["fromId", "announcementType"],
        compressors: COMPRESSORS,
      });
    } catch (err) {
      throw new InputRangeError(`not a Parquet file: ${reason(err)}`);
    }
    let rowStart = 0;
    for (const g of this.metadata.row_groups) {
      const rows = Number(g.num_rows);
      const got: Record<string, ArrayLike<unknown>> = {};
      try {
        for (const column of ["fromId", "announcementType"])
          got[column] = await scan.readColumn({ column, rowStart, rowEnd: rowStart + rows });
      } catch (err) {
        throw new InputRangeError(`not a Parquet file: row group at row ${rowStart}: ${reason(err)}`);
      }
      const raw = got.fromId as ArrayLike<bigint | null> | undefined;
      const announcementType = got.announcementType as ArrayLike<number | null> | undefined;
      if (!raw || !announcementType || raw.length !== rows || announcementType.length !== rows)
        throw new InputRangeError(`not a Parquet file: row group at row ${rowStart} is incomplete`);
      yield { rowStart, rows, fromId: fromIdNumbers(raw), announcementType };
      rowStart += rows;
    }
  }
}
