// End-to-end `keyward delegations …` as a new user runs it: import events (bad lines refused whole), check past
// blocks, validate a batch file, checkpoint, prove, and verify the proof with only the checkpoint's public key.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { verifyDelegationProof } from "../src/index.js";
import { runCli } from "./cli-run.js";

const root = mkdtempSync(join(tmpdir(), "keyward-delegations-cli-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const data = join(root, "data");
const file = (name: string, text: string) => {
  const p = join(root, name);
  writeFileSync(p, text);
  return p;
};

const kw = (...args: string[]) => runCli(data, args);
const json = (r: { out: string }) => JSON.parse(r.out);

// Seed 003's story: A is delegated 100–400 and 1000–2000; B posts before its own grant at 500.
const events = [
  { op: "grant", delegator: 1234, provider: "A", scopes: [1, 2], at: 100, id: "e1" },
  { op: "revoke", delegator: 1234, provider: "A", scopes: [1], at: 400, id: "e2" },
  { op: "grant", delegator: 1234, provider: "A", scopes: [1], at: 1000, expiresAt: 5000 },
  { op: "revoke", delegator: 1234, provider: "A", at: 2000 },
  { op: "grant", delegator: 1234, provider: "B", scopes: [1], at: 500 },
];
const ndjson = `${events.map((e) => JSON.stringify(e)).join("\n")}\n`;

describe("keyward delegations (CLI end to end)", () => {
  it("import refuses a file with bad lines as a whole, then imports the good file once", () => {
    expect(kw("init").code).toBe(0);
    const bad = kw(
      "delegations",
      "import",
      file("bad.ndjson", `${ndjson}{"op":"grant"}\n{"op":"revoke","delegator":1,"provider":"A","at":1}\n`),
    );
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/line 6: invalid_input: delegator must be a string or an integer/);
    expect(bad.err).toMatch(/^error invalid_input: line 6:/m);
    // Syntax is checked first; a well-formed file is then dry-run: a revoke of a never-granted delegation is refused.
    const refused = kw(
      "delegations",
      "import",
      file("refused.ndjson", `${ndjson}{"op":"revoke","delegator":1,"provider":"A","at":1}\n`),
    );
    expect(refused.code).toBe(1);
    expect(refused.err).toMatch(
      /line 6: not_found: no delegation from this delegator to this provider to revoke/,
    );
    expect(
      json(
        kw("delegations", "check", "--delegator", "1234", "--provider", "A", "--scope", "1", "--at", "150"),
      ),
    ).toEqual({
      authorized: false,
      interval: null,
    });
    const ok = kw("delegations", "import", file("events.ndjson", ndjson), "--progress");
    expect(ok.code).toBe(0);
    expect(json(ok)).toMatchObject({ lines: 5, events: 5, applied: 5 });
    expect(ok.err).toMatch(/import .*100%/);
    expect(json(kw("delegations", "import", join(root, "events.ndjson")))).toMatchObject({
      applied: 0,
      resumedAfterLine: 5,
    });
  });

  it("checks any past block exactly, and shows where the compact view would need history", () => {
    const check = (provider: string, at: number, ...extra: string[]) =>
      kw(
        "delegations",
        "check",
        "--delegator",
        "1234",
        "--provider",
        provider,
        "--scope",
        "1",
        "--at",
        String(at),
        ...extra,
      );
    expect(json(check("A", 250))).toEqual({ authorized: true, interval: { from: 100, until: 400 } });
    const gap = check("A", 700, "--compact");
    expect(gap.code).toBe(0);
    expect(json(gap)).toEqual({
      authorized: false,
      interval: null,
      compact: { grantedAt: 1000, revokedAt: 2000, verdict: "needs-history" },
      differs: true,
    });
    expect(json(check("B", 300)).authorized).toBe(false);
    const history = json(
      kw("delegations", "history", "--delegator", "1234", "--provider", "A", "--scope", "1"),
    );
    expect(history.keys[0].intervals).toEqual([
      { from: 100, until: 400 },
      { from: 1000, until: 2000 },
    ]);
  });

  it("grant/revoke from flags: an id replay is a no-op, an out-of-order event is refused (exit 1)", () => {
    const grant = [
      "delegations",
      "grant",
      "--delegator",
      "7",
      "--provider",
      "C",
      "--scope",
      "s:a,s:b",
      "--at",
      "50",
      "--id",
      "x1",
    ];
    expect(json(kw(...grant))).toEqual({ status: "applied", seq: 6 });
    expect(json(kw(...grant))).toEqual({ status: "duplicate", seq: 6 });
    const late = kw("--json", "delegations", "revoke", "--delegator", "7", "--provider", "C", "--at", "40");
    expect(late.code).toBe(1);
    expect(json(late).error.code).toBe("conflict");
    expect(late.err).toMatch(/^error conflict: revoke at 40 is earlier than the last event \(at 50\)/);
    expect(
      kw("delegations", "check", "--delegator", "7", "--provider", "C", "--scope", "s:a", "--at", "x").code,
    ).toBe(2);
  });

  it("validates CSV and NDJSON batch files with per-row verdicts", () => {
    const csv = file(
      "batch.csv",
      "delegator,provider,scope,at\n1234,A,1,150\n1234,A,1,700\n1234,A,2,1999\n1234,B,1,499\n1234,A,1,abc\n",
    );
    const out = join(root, "verdicts.ndjson");
    const r = kw("delegations", "validate", csv, "--out", out);
    expect(r.code).toBe(0);
    expect(json(r)).toEqual({ rows: 5, authorized: 2, unauthorized: 2, invalid: 1 });
    const verdicts = readFileSync(out, "utf8")
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l));
    expect(verdicts.map((v) => [v.line, v.verdict])).toEqual([
      [2, "authorized"],
      [3, "unauthorized"],
      [4, "authorized"],
      [5, "unauthorized"],
      [6, "invalid"],
    ]);
    const nd = file(
      "batch.ndjson",
      '{"delegator":1234,"provider":"B","scope":1,"at":500}\n{"delegator":1234,"provider":"B","scope":1}\n',
    );
    expect(json(kw("delegations", "validate", nd))).toEqual({
      rows: 2,
      authorized: 1,
      unauthorized: 0,
      invalid: 1,
    });
  });

  it("checkpoint + prove; the proof verifies with nothing but the verifier and the public key", () => {
    const cp = json(kw("delegations", "checkpoint"));
    expect(cp).toMatchObject({ version: 1, seq: 6 });
    const proofPath = join(root, "proof.json");
    expect(
      kw("delegations", "prove", "--delegator", "1234", "--provider", "A", "--scope", "1", "--out", proofPath)
        .code,
    ).toBe(0);
    const proofFile = JSON.parse(readFileSync(proofPath, "utf8"));
    expect(verifyDelegationProof(proofFile.proof, proofFile.checkpoint, cp.publicKey, 250)).toMatchObject({
      authorized: true,
      interval: { from: 100, until: 400 },
    });
    expect(verifyDelegationProof(proofFile.proof, proofFile.checkpoint, cp.publicKey, 700)).toMatchObject({
      authorized: false,
    });
    const verified = kw(
      "delegations",
      "verify",
      "--proof",
      proofPath,
      "--at",
      "1500",
      "--public-key",
      cp.publicKey,
    );
    expect(json(verified)).toMatchObject({
      valid: true,
      authorized: true,
      interval: { from: 1000, until: 2000 },
    });
    proofFile.proof.intervals[0][1] = 700; // stretch the first interval over the gap
    const tampered = file("tampered.json", JSON.stringify(proofFile));
    expect(verifyDelegationProof(proofFile.proof, proofFile.checkpoint, cp.publicKey, 600)).toBe(false);
    const refused = kw("delegations", "verify", "--proof", tampered, "--at", "600");
    expect(refused.code).toBe(1);
    expect(refused.err).toMatch(/^error invalid_proof/);
  });

  it("prove of a key never granted writes a proof of absence that verify accepts", () => {
    const absentPath = join(root, "absent.json");
    expect(
      kw("delegations", "prove", "--delegator", "777", "--provider", "A", "--scope", "1", "--out", absentPath)
        .code,
    ).toBe(0);
    const absentFile = JSON.parse(readFileSync(absentPath, "utf8"));
    expect(absentFile.proof).toMatchObject({ absent: true, delegator: 777, provider: "A", scope: 1 });
    expect(json(kw("delegations", "verify", "--proof", absentPath, "--at", "250"))).toMatchObject({
      valid: true,
      authorized: false,
      absent: true,
    });
  });
});
