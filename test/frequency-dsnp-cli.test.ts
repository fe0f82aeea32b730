// A validator's day through the real CLI: import a one-time Frequency msa dump (seed 003's lifecycle: 1234 is
// delegated to provider 1 at 100, revoked at 400, re-granted at 1000, revoked at 2000), then validate DSNP
// batches (both writers) at announcement blocks — Frequency's answers by default, keyward's on request.
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { runCli } from "./cli-run.js";

const root = mkdtempSync(join(tmpdir(), "keyward-frequency-cli-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const data = join(root, "data");
const DUMP = "test/fixtures/frequency/seed-003-dump.ndjson";
const BATCHES = [
  "test/fixtures/dsnp/parquetjs/broadcast.parquet",
  "test/fixtures/dsnp/pyarrow/reply.parquet",
];

const kw = (...args: string[]) => runCli(data, args);
const json = (r: { out: string }) => JSON.parse(r.out);
const check = (at: number, ...more: string[]) =>
  json(
    kw(
      "delegations",
      "check",
      "--delegator",
      "1234",
      "--provider",
      "1",
      "--scope",
      "5",
      "--at",
      String(at),
      ...more,
    ),
  );

describe("Frequency dump + DSNP batches (CLI end to end)", () => {
  it("refuses a bad dump as a whole, naming its lines, and applies nothing", () => {
    expect(kw("init").code).toBe(0);
    const lines = readFileSync(DUMP, "utf8").trimEnd().split("\n");
    // Line 5 goes back in time; line 7 claims a revoke after the block it was read at.
    const bad = [
      ...lines.slice(0, 4),
      lines[5],
      lines[4],
      lines[6]!.replace('"revokedAt":2000', '"revokedAt":2001'),
    ];
    const path = join(root, "bad.ndjson");
    writeFileSync(path, `${bad.join("\n")}\n`);
    const r = kw("delegations", "import", "--format", "frequency", path);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/^line 6: invalid_input: block 400 comes after block 1000/m);
    const broken = join(root, "broken.ndjson");
    writeFileSync(broken, `${lines[0]}\n{"block":1,\n${lines[1]}\n`);
    expect(kw("delegations", "import", "--format", "frequency", broken).err).toMatch(
      /^line 2: invalid_input: not valid JSON/m,
    );
    expect(check(150)).toEqual({ authorized: false, interval: null });
  });

  it("imports the dump once; a second run applies nothing", () => {
    const first = json(kw("delegations", "import", "--format", "frequency", DUMP));
    expect(first).toMatchObject({
      format: "frequency",
      records: 9,
      ignored: 2,
      retired: 1,
      providers: 2,
      events: 6,
      applied: 6,
    });
    expect(json(kw("delegations", "import", "--format", "frequency", DUMP))).toMatchObject({
      events: 6,
      applied: 0,
    });
  });

  it("refuses a second dump that contradicts the imported history, naming the dump's line", () => {
    const later = join(root, "later.ndjson");
    writeFileSync(
      later,
      `${JSON.stringify({ block: 3, event: { section: "msa", method: "ProviderCreated", data: { providerId: 9 } } })}\n${JSON.stringify(
        {
          block: 50,
          event: { section: "msa", method: "DelegationGranted", data: { providerId: 1, delegatorId: 1234 } },
          delegation: { revokedAt: 0, permissions: { 5: 0 } },
        },
      )}\n`,
    );
    const r = kw("delegations", "import", "--format", "frequency", later);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/^line 2: conflict: grant at 50 is earlier than the last event \(at 2000\)/m);
  });

  it("answers with Frequency's inclusive rule by default, keyward's on request", () => {
    expect(check(400)).toEqual({
      authorized: true,
      interval: { from: 100, revokedAt: 400 },
      semantics: "frequency",
    });
    expect(check(401).authorized).toBe(false);
    // Frequency's own storage ({revokedAt: 2000, 5: 0}) would say "valid" at 500: the history says no.
    expect(check(500).authorized).toBe(false);
    expect(check(2000).authorized).toBe(true);
    expect(check(400, "--semantics", "keyward")).toEqual({ authorized: false, interval: null });
    expect(check(399, "--semantics", "keyward")).toEqual({
      authorized: true,
      interval: { from: 100, until: 400 },
    });
    expect(
      kw(
        "delegations",
        "check",
        "--delegator",
        "1",
        "--provider",
        "1",
        "--scope",
        "5",
        "--at",
        "1",
        "--semantics",
        "x",
      ).code,
    ).toBe(2);
  });

  it.each(BATCHES)("validates %s row by row at the announcement block", (batch) => {
    const out = join(root, "verdicts.ndjson");
    const at = (n: number, ...more: string[]) =>
      kw(
        "delegations",
        "validate",
        batch,
        "--provider",
        "1",
        "--at",
        String(n),
        "--intent",
        "5",
        "--out",
        out,
        ...more,
      );
    const r = at(400);
    expect(r.code).toBe(0);
    expect(json(r)).toMatchObject({
      rows: 6,
      authorized: 4,
      unauthorized: 1,
      invalid: 1,
      semantics: "frequency",
    });
    const rows = readFileSync(out, "utf8")
      .trimEnd()
      .split("\n")
      .map((l) => JSON.parse(l));
    expect(rows[0]).toEqual({ row: 1, fromId: 1234, verdict: "authorized", from: 100, revokedAt: 400 });
    expect(rows[2]).toEqual({ row: 3, fromId: 88, verdict: "unauthorized" });
    expect(json(at(500))).toMatchObject({ authorized: 2, unauthorized: 3 });
    expect(json(at(400, "--semantics", "keyward"))).toMatchObject({ authorized: 2, semantics: "keyward" });
  });

  it("refuses files that are not DSNP batches, and flags that need a Parquet file", () => {
    const bad = kw(
      "delegations",
      "validate",
      "test/fixtures/dsnp/bad/no-fromid.parquet",
      "--provider",
      "1",
      "--at",
      "1",
    );
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/not a DSNP batch file: .*missing column fromId/);
    const noAt = kw("delegations", "validate", BATCHES[0]!, "--provider", "1");
    expect(noAt.err).toMatch(/--at is required for a Parquet batch file/);
    // A Parquet file is recognised by its bytes, whatever its name.
    const renamed = join(root, "batch.bin");
    copyFileSync(BATCHES[0]!, renamed);
    expect(json(kw("delegations", "validate", renamed, "--provider", "1", "--at", "400"))).toMatchObject({
      authorized: 4,
    });
    const csv = join(root, "rows.csv");
    writeFileSync(csv, "delegator,provider,scope,at\n1234,1,5,150\n");
    expect(kw("delegations", "validate", csv, "--provider", "1").err).toMatch(
      /--provider is for Parquet batch files/,
    );
  });
});
