// DSNP batch publication schemas (LibertyDSNP/spec pages/DSNP/Types/*.md, BatchPublications.md): which columns,
// of which Parquet types, each announcement type's batch file has — and the check that a file's schema is one.
import { InputRangeError } from "../../errors/input-errors.js";

/** The Parquet column types DSNP batch files use (spec "Parquet Type" column). */
export type DsnpColumnType = "INT32" | "UINT_8" | "UINT_64" | "UTF8";

/** One announcement type's batch file layout. */
export interface DsnpBatchType {
  readonly announcementType: number;
  readonly name: string;
  readonly columns: Readonly<Record<string, DsnpColumnType>>;
}

/** BatchPublications.md: "Batch files MUST have NO MORE THAN 128*1024 rows". */
export const DSNP_MAX_BATCH_ROWS = 128 * 1024;

const A = "INT32" as const;
const U64 = "UINT_64" as const;
const S = "UTF8" as const;

/** Every announcement type that is published in batch files, by its spec page. */
export const DSNP_BATCH_TYPES: readonly DsnpBatchType[] = [
  {
    announcementType: 0,
    name: "Tombstone",
    columns: { announcementType: A, fromId: U64, targetAnnouncementType: A, targetContentHash: S },
  },
  {
    announcementType: 2,
    name: "Broadcast",
    columns: { announcementType: A, contentHash: S, fromId: U64, url: S },
  },
  {
    announcementType: 3,
    name: "Reply",
    columns: { announcementType: A, contentHash: S, fromId: U64, inReplyTo: S, url: S },
  },
  {
    announcementType: 4,
    name: "Reaction",
    columns: { announcementType: A, emoji: S, apply: "UINT_8", fromId: U64, inReplyTo: S },
  },
  {
    announcementType: 6,
    name: "Update",
    columns: {
      announcementType: A,
      contentHash: S,
      fromId: U64,
      url: S,
      targetAnnouncementType: A,
      targetContentHash: S,
    },
  },
  {
    announcementType: 8,
    name: "UserAttributeSet",
    columns: {
      announcementType: A,
      fromId: U64,
      subject: U64,
      url: S,
      contentHash: S,
      attributeSetType: S,
      issuer: S,
    },
  },
  {
    announcementType: 9,
    name: "DSNPContentAttributeSet",
    columns: {
      announcementType: A,
      fromId: U64,
      subject: S,
      url: S,
      contentHash: S,
      attributeSetType: S,
      issuer: S,
    },
  },
  {
    announcementType: 10,
    name: "ExternalContentAttributeSet",
    columns: {
      announcementType: A,
      fromId: U64,
      subject: S,
      subjectContentHash: S,
      url: S,
      contentHash: S,
      attributeSetType: S,
      issuer: S,
    },
  },
];

/** What a Parquet footer says about one top-level column (the fields of a Thrift SchemaElement keyward reads). */
export interface ParquetColumnInfo {
  readonly name: string;
  readonly type?: string;
  readonly repetition_type?: string;
  readonly converted_type?: string;
  readonly logical_type?: { readonly type: string; readonly bitWidth?: number; readonly isSigned?: boolean };
  readonly num_children?: number;
}

/** The DSNP type of a Parquet column, or a description of what it is instead (for error messages). */
function columnType(c: ParquetColumnInfo): DsnpColumnType | string {
  const lt = c.logical_type;
  const ct = c.converted_type;
  if (c.num_children) return "a group";
  if (c.repetition_type === "REPEATED") return "a repeated field";
  if (c.type === "BYTE_ARRAY" && (ct === "UTF8" || lt?.type === "STRING")) return "UTF8";
  const int = (bits: number, signed: boolean, converted: string) =>
    ct === converted || (lt?.type === "INTEGER" && lt.bitWidth === bits && lt.isSigned === signed);
  if (c.type === "INT64" && int(64, false, "UINT_64")) return "UINT_64";
  if (c.type === "INT32" && int(8, false, "UINT_8")) return "UINT_8";
  // The spec's INT32 is the plain physical type; writers may annotate it as INT(32, signed) or not at all.
  if (c.type === "INT32" && ((ct === undefined && lt === undefined) || int(32, true, "INT_32")))
    return "INT32";
  return [c.type ?? "untyped", ct ?? lt?.type].filter(Boolean).join(" ");
}

/**
 * The announcement type whose batch layout the columns match exactly (same names, DSNP types; order free).
 * @throws {RangeError} `not a DSNP batch file: …` naming the missing, extra or mistyped columns.
 * @example dsnpBatchTypeOf([{ name: "announcementType", type: "INT32" }, …]).name; // "Broadcast"
 */
export function dsnpBatchTypeOf(columns: readonly ParquetColumnInfo[]): DsnpBatchType {
  const have = new Map(columns.map((c) => [c.name, columnType(c)]));
  let best: { t: DsnpBatchType; problems: string[] } | undefined;
  for (const t of DSNP_BATCH_TYPES) {
    const problems: string[] = [];
    for (const [name, want] of Object.entries(t.columns)) {
      const got = have.get(name);
      if (got === undefined) problems.push(`missing column ${name}`);
      else if (got !== want) problems.push(`column ${name} must be ${want}, is ${got}`);
    }
    for (const name of have.keys()) if (!(name in t.columns)) problems.push(`unexpected column ${name}`);
    if (problems.length === 0) return t;
    if (best === undefined || problems.length < best.problems.length) best = { t, problems };
  }
  throw new InputRangeError(
    `not a DSNP batch file: closest is ${best!.t.name} (type ${best!.t.announcementType}): ${best!.problems
      .slice(0, 4)
      .join("; ")}`,
  );
}
