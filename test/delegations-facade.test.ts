// The delegations facade (service/) behaves the same from both surfaces: an NDJSON import over HTTP writes an
// index snapshot when one is due, exactly like `keyward delegations import`, and the next start loads it.
import { afterEach, describe, expect, it } from "vitest";
import { snapshotManifest } from "../src/delegations/snapshot-store.js";
import { DelegationsService } from "../src/service/delegations.js";
import { openTestSqliteStorage } from "../src/store/testing.js";
import { startTestApp, type TestApp } from "./http-harness.js";

const events = [
  { op: "grant", delegator: 1234, provider: "A", scopes: [1, 2], at: 100 },
  { op: "revoke", delegator: 1234, provider: "A", scopes: [2], at: 300 },
  { op: "grant", delegator: 99, provider: "B", scopes: [7], at: 50, expiresAt: 80 },
];
const ndjson = `${events.map((e) => JSON.stringify(e)).join("\n")}\n`;
async function* once(text: string): AsyncIterable<Uint8Array> {
  yield new TextEncoder().encode(text);
}

describe("delegations facade", () => {
  let t: TestApp | undefined;
  afterEach(async () => {
    await t?.close();
    t = undefined;
  });

  it("an HTTP import writes the index snapshot once it is due (it never did before the facade)", async () => {
    t = await startTestApp({ delegationSnapshotEvery: 3 });
    const w = await t.token(["delegations:write"]);
    expect(await snapshotManifest(t.kw.storage)).toBeUndefined();
    const res = await t.request("POST", "/v1/delegations/import", {
      token: w,
      body: ndjson,
      contentType: "application/x-ndjson",
    });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ events: 3, applied: 3 });
    expect(await snapshotManifest(t.kw.storage)).toMatchObject({ seq: 3 });
    // A restarted instance over the same store starts from that snapshot and replays nothing.
    const again = await DelegationsService.open(t.kw.storage);
    expect(again.opened).toMatchObject({ snapshot: "loaded", snapshotSeq: 3, replayed: 0 });
    expect(again.check(1234, "A", 2, 299)).toEqual({ authorized: true, interval: { from: 100, until: 300 } });
    expect(again.check("1234", "A", "2", 300).authorized).toBe(false);
  });

  it("an import below the threshold writes no snapshot, and a checkpoint writes one when due", async () => {
    const s = await openTestSqliteStorage();
    try {
      const d = await DelegationsService.open(s.storage, { snapshotEvery: 4 });
      const summary = await d.importEvents({ open: () => once(ndjson) });
      expect(summary).toMatchObject({ lines: 3, applied: 3 });
      expect(await snapshotManifest(s.storage)).toBeUndefined();
      await d.write([{ op: "grant", delegator: 5, provider: "A", scopes: [1], at: 10 }]);
      const cp = await d.checkpoint();
      expect(cp.seq).toBe(4);
      expect(await snapshotManifest(s.storage)).toMatchObject({ seq: 4 });
      // Reads through the facade: the compact view, the history and Frequency's reading.
      expect(d.compare(1234, "A", 2, 50).compact.verdict).toBe("needs-history");
      expect(d.history(99, "B").map((h) => h.intervals)).toEqual([[{ from: 50, until: 80 }]]);
      expect(await d.readingCheck(1234, "A", 2, 300)).toBeUndefined();
      expect(await d.readingCheck("1234", "A", "2", 300, "frequency")).toMatchObject({
        authorized: true,
        interval: { from: 100, revokedAt: 300 },
      });
      const file = await d.prove(1234, "A", 1);
      expect(await DelegationsService.verify(file.proof, file.checkpoint, cp.publicKey, 150)).toMatchObject({
        authorized: true,
      });
    } finally {
      await s.cleanup();
    }
  });

  it("refuses a snapshot threshold that is not a position", async () => {
    const s = await openTestSqliteStorage();
    try {
      await expect(DelegationsService.open(s.storage, { snapshotEvery: -1 })).rejects.toThrow(RangeError);
      await expect(DelegationsService.open(s.storage, { snapshotEvery: -1 })).rejects.toThrow(
        /options\.snapshotEvery/,
      );
    } finally {
      await s.cleanup();
    }
  });
});
