// `keyward delegations snapshot` end to end: later commands load it, a damaged one warns and falls back to the log.
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { runCli } from "./cli-run.js";

const root = mkdtempSync(join(tmpdir(), "keyward-delegations-snapshot-cli-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const data = join(root, "data");

const kw = (...args: string[]) => runCli(data, args);
const check = (at: number) =>
  kw("delegations", "check", "--delegator", "1234", "--provider", "A", "--scope", "1", "--at", String(at));

const events = [
  { op: "grant", delegator: 1234, provider: "A", scopes: [1, 2], at: 100 },
  { op: "revoke", delegator: 1234, provider: "A", scopes: [1], at: 400 },
  { op: "grant", delegator: 1234, provider: "A", scopes: [1], at: 1000, expiresAt: 5000 },
  { op: "grant", delegator: "alice", provider: 7, scopes: ["posts"], at: 10 },
];

describe("keyward delegations snapshot (CLI end to end)", () => {
  it("stores a snapshot (seq, bytes, ms; --json) that later commands load, then replay newer events", () => {
    expect(kw("init").code).toBe(0);
    const file = join(root, "events.ndjson");
    writeFileSync(file, `${events.map((e) => JSON.stringify(e)).join("\n")}\n`);
    expect(kw("delegations", "import", file).code).toBe(0);

    const human = kw("delegations", "snapshot");
    expect(human.code).toBe(0);
    // On SQLite the snapshot is one file next to the database (keyward.db-derived/), named by its manifest.
    expect(human.out).toMatch(
      /^snapshot at seq 4: \d+ bytes \(index-0000000000000004-[0-9a-f]{16}\.snap\) in \d+ ms$/,
    );
    const json = kw("delegations", "snapshot", "--json");
    expect(json.code).toBe(0);
    expect(JSON.parse(json.out)).toEqual({
      written: true,
      seq: 4,
      bytes: expect.any(Number),
      chunks: 0,
      file: expect.stringMatching(/^index-0000000000000004-[0-9a-f]{16}\.snap$/),
      ms: expect.any(Number),
    });
    expect(readdirSync(join(data, "keyward.db-derived"))).toEqual([JSON.parse(json.out).file]);

    const at150 = check(150);
    expect(at150.err).toBe("");
    expect(JSON.parse(at150.out)).toEqual({ authorized: true, interval: { from: 100, until: 400 } });
    // An event after the snapshot is replayed on top of it.
    expect(
      kw("delegations", "revoke", "--delegator", "1234", "--provider", "A", "--scope", "1", "--at", "2000")
        .code,
    ).toBe(0);
    expect(JSON.parse(check(1500).out)).toEqual({ authorized: true, interval: { from: 1000, until: 2000 } });
    expect(JSON.parse(check(2500).out)).toEqual({ authorized: false, interval: null });
  });

  it("a damaged snapshot never fails a command: full replay with a warning, until a new snapshot repairs it", () => {
    const derived = join(data, "keyward.db-derived");
    const [name] = readdirSync(derived);
    writeFileSync(join(derived, name!), Buffer.from([0]));
    const damaged = check(1500);
    expect(damaged.code).toBe(0);
    expect(JSON.parse(damaged.out)).toEqual({ authorized: true, interval: { from: 1000, until: 2000 } });
    expect(damaged.err).toMatch(
      /^warning: delegation index snapshot not used \(delegation index snapshot is corrupt: file has 1 bytes, expected \d+\); rebuilt from the whole log \(5 events\): run `keyward delegations snapshot`$/,
    );
    const repaired = kw("delegations", "snapshot", "--json");
    expect(JSON.parse(repaired.out)).toMatchObject({ written: true, seq: 5 });
    const after = check(2500);
    expect(after.err).toBe("");
    expect(JSON.parse(after.out)).toEqual({ authorized: false, interval: null });
  });
});
