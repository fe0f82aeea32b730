// Row verdicts of DSNP batches (both writers' fixtures) under both readings, on seed 003's lifecycle: 1234 is
// delegated to provider 1 for intent 5 over blocks 100–400 and 1000–2000, 77 from 50 on, 88 never.
import { join } from "node:path";
import { asyncBufferFromFile } from "hyparquet";
import { describe, expect, it } from "vitest";
import { DsnpBatch } from "../interop/dsnp/batch-reader.js";
import { DelegationIndex } from "./delegation-index.js";
import { validateDsnpBatch } from "./dsnp-validate.js";
import type { Semantics } from "./semantics.js";

const FIX = join(import.meta.dirname, "../../test/fixtures/dsnp");
const index = new DelegationIndex();
for (const e of [
  { op: "grant", delegator: 1234, provider: 1, scopes: [5], at: 100 },
  { op: "revoke", delegator: 1234, provider: 1, at: 400 },
  { op: "grant", delegator: 1234, provider: 1, scopes: [5, 6], at: 1000 },
  { op: "revoke", delegator: 1234, provider: 1, at: 2000 },
  { op: "grant", delegator: 77, provider: 1, scopes: [5], at: 50 },
  { op: "grant", delegator: 88, provider: 2, scopes: [5], at: 50 },
] as const)
  index.apply(e);

async function verdicts(file: string, at: number, semantics: Semantics, intent?: number) {
  let text = "";
  const batch = await DsnpBatch.open(await asyncBufferFromFile(join(FIX, file)));
  const summary = await validateDsnpBatch(index, batch, {
    provider: 1,
    at,
    semantics,
    ...(intent === undefined ? {} : { intent }),
    write: (c) => {
      text += c;
    },
  });
  return {
    summary,
    rows: text
      .trimEnd()
      .split("\n")
      .map((l) => JSON.parse(l)),
  };
}

// rows.json: 1234, 77, 88, 1234, 2^53+1, 77. Expected verdict letters per row: a = authorized, u = unauthorized,
// i = invalid. At the revoke block 400 only Frequency's inclusive reading authorizes 1234.
const EXPECTED: [number, Semantics, string][] = [
  [99, "keyward", "uauuia"],
  [100, "keyward", "aauaia"],
  [399, "keyward", "aauaia"],
  [400, "keyward", "uauuia"],
  [400, "frequency", "aauaia"],
  [401, "frequency", "uauuia"],
  [999, "frequency", "uauuia"],
  [1000, "keyward", "aauaia"],
  [2000, "keyward", "uauuia"],
  [2000, "frequency", "aauaia"],
  [2001, "frequency", "uauuia"],
];
const letters = (rows: { verdict: string }[]) => rows.map((r) => r.verdict[0]).join("");

describe("validateDsnpBatch", () => {
  for (const file of [
    "parquetjs/broadcast.parquet",
    "pyarrow/broadcast-two-groups.parquet",
    "pyarrow/reaction.parquet",
  ])
    it.each(EXPECTED)(`${file} at %i (%s)`, async (at, semantics, want) => {
      const { summary, rows } = await verdicts(file, at, semantics, 5);
      expect(letters(rows)).toBe(want);
      expect(rows.map((r) => r.row)).toEqual([1, 2, 3, 4, 5, 6]);
      expect(summary).toMatchObject({
        rows: 6,
        authorized: [...want].filter((c) => c === "a").length,
        invalid: 1,
        semantics,
      });
    });

  it("reports the deciding interval in each reading's terms", async () => {
    const f = await verdicts("parquetjs/broadcast.parquet", 400, "frequency", 5);
    expect(f.rows[0]).toEqual({ row: 1, fromId: 1234, verdict: "authorized", from: 100, revokedAt: 400 });
    const k = await verdicts("parquetjs/broadcast.parquet", 1500, "keyward", 5);
    expect(k.rows[0]).toEqual({ row: 1, fromId: 1234, verdict: "authorized", from: 1000, until: 2000 });
    expect(k.rows[1]).toEqual({ row: 2, fromId: 77, verdict: "authorized", from: 50, until: null });
    expect(k.rows[4]).toEqual({
      row: 5,
      verdict: "invalid",
      error: "fromId is above 2^53-1 (not a keyward id)",
    });
  });

  it("without an intent, any scope of the delegation counts (88 is delegated to another provider only)", async () => {
    expect(letters((await verdicts("parquetjs/tombstone.parquet", 1500, "keyward")).rows)).toBe("aauaia");
    expect(letters((await verdicts("parquetjs/tombstone.parquet", 1500, "keyward", 6)).rows)).toBe("auuaiu");
    expect(letters((await verdicts("parquetjs/tombstone.parquet", 400, "frequency")).rows)).toBe("aauaia");
  });
});
