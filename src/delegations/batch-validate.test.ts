// Batch validation of CSV and NDJSON rows: verdicts per line, invalid rows counted, summary totals.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { validateBatch } from "./batch-validate.js";
import { splitCsvLine } from "./csv.js";
import { DelegationIndex } from "./delegation-index.js";

const index = new DelegationIndex();
index.apply({ op: "grant", delegator: 1234, provider: "A", scopes: [1, "a,b"], at: 100 });
index.apply({ op: "revoke", delegator: 1234, provider: "A", scopes: [1], at: 400 });

async function run(text: string, format?: "csv" | "ndjson") {
  let out = "";
  async function* src() {
    const b = new TextEncoder().encode(text);
    for (let i = 0; i < b.length; i += 5) yield b.subarray(i, i + 5);
  }
  const summary = await validateBatch(index, src(), {
    ...(format ? { format } : {}),
    write: (c) => {
      out += c;
    },
  });
  return {
    summary,
    verdicts: out
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l)),
  };
}

describe("validateBatch", () => {
  it("CSV: header in any order, quoted fields, CRLF, blank lines, invalid rows", async () => {
    const { summary, verdicts } = await run(
      'at,scope,provider,delegator\r\n150,1,A,1234\r\n400,1,A,1234\r\n\r\n150,"a,b",A,1234\r\n-5,1,A,1234\n99,1,A\n',
    );
    expect(summary).toEqual({ rows: 5, authorized: 2, unauthorized: 1, invalid: 2 });
    expect(verdicts).toEqual([
      { line: 2, verdict: "authorized", from: 100, until: 400 },
      { line: 3, verdict: "unauthorized" },
      { line: 5, verdict: "authorized", from: 100, until: null },
      { line: 6, verdict: "invalid", error: "at must be a non-negative integer" },
      { line: 7, verdict: "invalid", error: "missing delegator" },
    ]);
  });

  it("NDJSON rows (format guessed from the first line)", async () => {
    const { summary, verdicts } = await run(
      '{"delegator":1234,"provider":"A","scope":1,"at":399}\n{"delegator":"1234","provider":"A","scope":1,"at":99}\n{"delegator":1234,"provider":"A","scope":1}\nnope\n',
    );
    expect(summary).toEqual({ rows: 4, authorized: 1, unauthorized: 1, invalid: 2 });
    expect(verdicts.map((v) => v.verdict)).toEqual(["authorized", "unauthorized", "invalid", "invalid"]);
    expect(verdicts[3].error).toBe("not valid JSON");
  });

  it("CSV fast path and fallbacks agree: non-canonical integers and bad UTF-8 are invalid rows", async () => {
    let out = "";
    async function* src() {
      yield new TextEncoder().encode(
        "delegator,provider,scope,at\n1234,A,1,150\n01234,A,1,150\n1234,A,01,150\n",
      );
      yield Uint8Array.from([0x31, 0x2c, 0xff, 0x2c, 0x31, 0x2c, 0x31, 0x0a]);
      yield new TextEncoder().encode("1234,A,1,00150\n1234, A ,1, 150");
    }
    const summary = await validateBatch(index, src(), {
      write: (c) => {
        out += c;
      },
    });
    // Positions may carry leading zeros (a number has one value); ids may not (two spellings of one id).
    expect(summary).toEqual({ rows: 6, authorized: 3, unauthorized: 0, invalid: 3 });
    expect(
      out
        .trim()
        .split("\n")
        .map((l) => JSON.parse(l).verdict),
    ).toEqual(["authorized", "invalid", "invalid", "invalid", "authorized", "authorized"]);
  });

  it("property: the NDJSON and CSV fast paths give the same verdicts as the full parsers", async () => {
    const row = fc.record({
      delegator: fc.oneof(fc.constant(1234), fc.nat({ max: 2000 })),
      provider: fc.constantFrom("A", 7, "B"),
      scope: fc.oneof(fc.constant(1), fc.constant("a,b"), fc.nat({ max: 3 })),
      at: fc.nat({ max: 600 }),
    });
    const keys = ["delegator", "provider", "scope", "at"] as const;
    const order = fc.shuffledSubarray([...keys], { minLength: 4, maxLength: 4 });
    await fc.assert(
      fc.asyncProperty(fc.array(fc.tuple(row, order), { minLength: 1, maxLength: 30 }), async (pairs) => {
        const rows = pairs.map(([r]) => r);
        // The fast path takes the four keys in any order (it tries the usual order first).
        const fast = pairs
          .map(([r, o]) => JSON.stringify(Object.fromEntries(o.map((k) => [k, r[k as keyof typeof r]]))))
          .join("\n");
        const slow = rows.map((r) => JSON.stringify(r).replaceAll(":", ": ")).join("\n");
        const csvFast = `delegator,provider,scope,at\n${rows.map((r) => [r.delegator, r.provider, typeof r.scope === "string" ? `"${r.scope}"` : r.scope, r.at].join(",")).join("\n")}`;
        const csvSlow = `delegator,provider,scope,at\n${rows.map((r) => [` ${r.delegator}`, r.provider, `"${r.scope}"`, r.at].join(",")).join("\n")}`;
        // CSV lines are one further down (the header): compare verdicts without their line numbers.
        const results = (await Promise.all([fast, slow, csvFast, csvSlow].map((t) => run(t)))).map((r) => ({
          summary: r.summary,
          verdicts: r.verdicts.map(({ line: _line, ...rest }) => rest),
        }));
        for (const r of results.slice(1)) expect(r).toEqual(results[0]);
        expect(results[0]!.summary.invalid).toBe(0);
      }),
      { numRuns: 50 },
    );
  });

  it("refuses a CSV without the required columns", async () => {
    await expect(run("delegator,provider,at\n1,2,3\n")).rejects.toThrow(/lacks scope/);
  });

  it("property: splitCsvLine inverts RFC 4180 quoting of any fields without line breaks", () => {
    const field = fc.string({ unit: fc.constantFrom("a", ",", '"', " ", "1", "é") });
    fc.assert(
      fc.property(fc.array(field, { minLength: 1, maxLength: 6 }), (fields) => {
        const line = fields.map((f) => (/[,"]/.test(f) ? `"${f.replaceAll('"', '""')}"` : f)).join(",");
        expect(splitCsvLine(line)).toEqual(fields);
      }),
    );
  });
});
