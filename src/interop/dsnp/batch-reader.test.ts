// DSNP batch files written by two independent writers (@dsnp/parquetjs with the @dsnp/schemas schemas, and
// pyarrow) are recognised by type and read row by row; files that are not DSNP batches are refused by name.
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { asyncBufferFromFile } from "hyparquet";
import { afterAll, describe, expect, it } from "vitest";
import { DsnpBatch, LARGE_FROM_ID } from "./batch-reader.js";
import { DSNP_MAX_BATCH_ROWS } from "./batch-schema.js";

const FIX = join(import.meta.dirname, "../../../test/fixtures/dsnp");
const { fromIds: written } = JSON.parse(readFileSync(join(FIX, "rows.json"), "utf8")) as {
  fromIds: string[];
};
// What the reader hands out: numbers, and a marker for the one id above 2^53−1.
const fromIds = written.map((v) => (BigInt(v) > BigInt(Number.MAX_SAFE_INTEGER) ? "above 2^53-1" : v));
const tmp = mkdtempSync(join(tmpdir(), "keyward-dsnp-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

async function readAll(path: string) {
  const batch = await DsnpBatch.open(await asyncBufferFromFile(path));
  const ids: string[] = [];
  const types: number[] = [];
  const starts: number[] = [];
  for await (const g of batch.rowGroups()) {
    starts.push(g.rowStart);
    for (let i = 0; i < g.rows; i++) {
      ids.push(g.fromId[i] === LARGE_FROM_ID ? "above 2^53-1" : String(g.fromId[i]));
      types.push(Number(g.announcementType[i]));
    }
  }
  return { info: batch.info, ids, types, starts };
}

const PARQUETJS: [string, number, string][] = [
  ["tombstone", 0, "Tombstone"],
  ["broadcast", 2, "Broadcast"],
  ["reply", 3, "Reply"],
  ["reaction", 4, "Reaction"],
  ["update", 6, "Update"],
  ["user-attribute-set", 8, "UserAttributeSet"],
  ["dsnp-content-attribute-set", 9, "DSNPContentAttributeSet"],
  ["external-content-attribute-set", 10, "ExternalContentAttributeSet"],
];

describe("DSNP batch reader", () => {
  it.each(PARQUETJS)("reads @dsnp/parquetjs %s batches (type %i)", async (file, type, name) => {
    const r = await readAll(join(FIX, "parquetjs", `${file}.parquet`));
    expect(r.info.type).toMatchObject({ announcementType: type, name });
    expect(r.info.rows).toBe(fromIds.length);
    expect(r.ids).toEqual(fromIds);
    expect(r.types).toEqual(fromIds.map(() => type));
  });

  it.each(PARQUETJS.slice(0, 5))("reads pyarrow %s batches (type %i)", async (file, type, name) => {
    const r = await readAll(join(FIX, "pyarrow", `${file}.parquet`));
    expect(r.info.type).toMatchObject({ announcementType: type, name });
    expect(r.ids).toEqual(fromIds);
    expect(r.types).toEqual(fromIds.map(() => type));
  });

  it("numbers rows across row groups", async () => {
    const r = await readAll(join(FIX, "pyarrow", "broadcast-two-groups.parquet"));
    expect(r.info.rowGroups).toBe(2);
    expect(r.starts).toEqual([0, 3]);
    expect(r.ids).toEqual(fromIds);
  });

  it.each([
    [
      "fromid-string",
      /not a DSNP batch file: closest is Broadcast \(type 2\): column fromId must be UINT_64, is BYTE_ARRAY UTF8|column fromId must be UINT_64, is UTF8/,
    ],
    ["no-fromid", /not a DSNP batch file: .*missing column fromId/],
    ["announcement-type-int64", /column announcementType must be INT32, is INT64/],
  ])("refuses %s by name", async (file, message) => {
    await expect(readAll(join(FIX, "bad", `${file}.parquet`))).rejects.toThrow(message);
  });

  it("refuses a file that is not Parquet", async () => {
    await expect(readAll(join(FIX, "rows.json"))).rejects.toThrow(/not a Parquet file/);
  });

  it(`refuses more than ${DSNP_MAX_BATCH_ROWS} rows (pyarrow writes 131,073)`, async () => {
    const path = join(tmp, "too-many.parquet");
    execFileSync("python3", [
      "-c",
      `import pyarrow as pa, pyarrow.parquet as pq
n = ${DSNP_MAX_BATCH_ROWS + 1}
pq.write_table(pa.table({"announcementType": pa.array([2]*n, pa.int32()), "contentHash": ["h"]*n, "fromId": pa.array([1]*n, pa.uint64()), "url": ["u"]*n}), ${JSON.stringify(path)})`,
    ]);
    await expect(readAll(path)).rejects.toThrow(/131073 rows, more than 131072/);
    // Exactly the limit is a valid batch.
    const ok = join(tmp, "limit.parquet");
    execFileSync("python3", [
      "-c",
      `import pyarrow as pa, pyarrow.parquet as pq
n = ${DSNP_MAX_BATCH_ROWS}
pq.write_table(pa.table({"announcementType": pa.array([2]*n, pa.int32()), "contentHash": ["h"]*n, "fromId": pa.array(range(n), pa.uint64()), "url": ["u"]*n}), ${JSON.stringify(ok)})`,
    ]);
    const r = await readAll(ok);
    expect(r.ids.length).toBe(DSNP_MAX_BATCH_ROWS);
    expect(r.ids[DSNP_MAX_BATCH_ROWS - 1]).toBe(String(DSNP_MAX_BATCH_ROWS - 1));
  });
});
