// keyward's table of DSNP batch layouts against an independent source: the Parquet schemas that @dsnp/schemas
// publishes for every announcement type (the same table that @dsnp/parquetjs writers use).
import { AnnouncementType, descriptorForAnnouncementType } from "@dsnp/schemas";
import { describe, expect, it } from "vitest";
import { DSNP_BATCH_TYPES, dsnpBatchTypeOf } from "./batch-schema.js";

type Column = { name: string; column_type: string | { INTEGER: { bit_width: number; sign: boolean } } };
const dsnpType = (c: Column["column_type"]) =>
  typeof c === "string"
    ? c === "STRING"
      ? "UTF8"
      : c
    : c.INTEGER.sign && c.INTEGER.bit_width === 32
      ? "INT32"
      : `${c.INTEGER.sign ? "" : "U"}INT_${c.INTEGER.bit_width}`;

describe("DSNP batch layouts", () => {
  it("match @dsnp/schemas for every announcement type it has a Parquet schema for", () => {
    const theirs = Object.values(AnnouncementType)
      .filter((v): v is number => typeof v === "number")
      .map((t) => {
        const d = descriptorForAnnouncementType(t) as { parquetSchema: Column[] };
        return {
          announcementType: t,
          name: AnnouncementType[t],
          columns: Object.fromEntries(d.parquetSchema.map((c) => [c.name, dsnpType(c.column_type)])),
        };
      });
    expect(DSNP_BATCH_TYPES.map((t) => ({ ...t, columns: { ...t.columns } }))).toEqual(theirs);
  });

  it("names what is missing, extra or mistyped", () => {
    const broadcast = [
      { name: "announcementType", type: "INT32" },
      { name: "contentHash", type: "BYTE_ARRAY", converted_type: "UTF8" },
      { name: "fromId", type: "INT64", converted_type: "UINT_64" },
      { name: "url", type: "BYTE_ARRAY", logical_type: { type: "STRING" } },
    ];
    expect(dsnpBatchTypeOf(broadcast).name).toBe("Broadcast");
    expect(() => dsnpBatchTypeOf([...broadcast, { name: "extra", type: "INT32" }])).toThrow(
      /closest is Broadcast .*unexpected column extra/,
    );
    expect(() =>
      dsnpBatchTypeOf(broadcast.map((c) => (c.name === "fromId" ? { ...c, converted_type: "INT_64" } : c))),
    ).toThrow(/column fromId must be UINT_64, is INT64 INT_64/);
  });
});
