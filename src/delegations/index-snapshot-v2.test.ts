// Format 2 index snapshots: views of the stored bytes, structural checks of a well-sealed but inconsistent
// header, the size per interval, and stores holding a format-1 snapshot still loading it.
import { describe, expect, it } from "vitest";
import { reseal } from "../../test/snapshot-reseal.js";
import { openTestSqliteStorage } from "../store/testing.js";
import { DelegationIndex } from "./delegation-index.js";
import { DelegationStore } from "./delegation-store.js";
import { DELEGATION_TABLES } from "./event-log.js";
import { parseEvent } from "./events.js";
import { decodeIndexSnapshot, encodeIndexSnapshot } from "./index-snapshot.js";
import { loadIndexSnapshot, snapshotManifest } from "./snapshot-store.js";

function sample(n: number): DelegationIndex {
  const index = new DelegationIndex();
  let seq = 0;
  for (let i = 0; i < n; i++) {
    const base = { delegator: i % 2 ? i : `d${i}`, provider: `p${i % 7}` };
    index.applyLogged(++seq, parseEvent({ op: "grant", ...base, scopes: [1, 2 + (i % 3)], at: i }));
    if (i % 3 === 0) index.applyLogged(++seq, parseEvent({ op: "revoke", ...base, scopes: [1], at: i + 5 }));
    if (i % 6 === 0) index.applyLogged(++seq, parseEvent({ op: "grant", ...base, scopes: [1], at: i + 9 }));
  }
  return index;
}

describe("index snapshot format 2", () => {
  it("decodes to views of the bytes (no copy of the key rows) that keep working for later events", () => {
    const index = sample(500);
    const bytes = encodeIndexSnapshot(index);
    expect(new DataView(bytes.buffer).getUint32(8, true)).toBe(2);
    const decoded = decodeIndexSnapshot(bytes);
    const t = decoded.snapshotTables().t;
    expect(t.kf.buffer).toBe(bytes.buffer);
    expect(t.iv.buffer).toBe(bytes.buffer);
    for (let i = 0; i < 500; i += 7)
      for (const at of [i, i + 5, i + 9])
        for (const s of [1, 2, 3, 4]) {
          const d = i % 2 ? i : `d${i}`;
          expect(decoded.check(d, `p${i % 7}`, s, at)).toEqual(index.check(d, `p${i % 7}`, s, at));
        }
    const later = parseEvent({ op: "grant", delegator: 99_999, provider: "p1", scopes: [4], at: 1 });
    decoded.applyLogged(decoded.lastSeq + 1, later);
    index.applyLogged(index.lastSeq + 1, later);
    expect(decoded.check(99_999, "p1", 4, 2)).toEqual({
      authorized: true,
      interval: { from: 1, until: null },
    });
    const { bytes: _, ...sizes } = index.stats(); // memory differs: views are exactly sized
    expect(decoded.stats()).toMatchObject(sizes);
  });

  it("refuses a well-sealed but inconsistent header with snapshot_corrupt", () => {
    const bytes = encodeIndexSnapshot(sample(40));
    const tamper = (offset: number, value: number) => {
      const b = bytes.slice();
      new DataView(b.buffer).setUint32(offset, value, true);
      return () => decodeIndexSnapshot(reseal(b));
    };
    const v = new DataView(bytes.buffer);
    expect(tamper(52, 48)).toThrow(/slot tables are not powers of two/);
    expect(tamper(56, 16)).toThrow(/slot tables are not powers of two/);
    expect(tamper(24, v.getUint32(52, true))).toThrow(/does not fit its slot table/);
    expect(tamper(28, v.getUint32(24, true) + 1)).toThrow(/does not fit its slot table|pair/);
    expect(tamper(64, v.getUint32(60, true))).toThrow(/interval pool counts/);
    expect(tamper(24, v.getUint32(24, true) - 1)).toThrow(/sizes do not match/);
    expect(tamper(12, 1)).toThrow(/unknown flags/);
    expect(() => decodeIndexSnapshot(reseal(bytes.subarray(0, 100)))).toThrow(/truncated|sizes/);
    expect(decodeIndexSnapshot(reseal(bytes)).stats().keys).toBe(sample(40).stats().keys);
  });

  it("a store holding a format-1 snapshot loads it; the next snapshot is written in format 2", async () => {
    const t = await openTestSqliteStorage();
    try {
      const store = await DelegationStore.open(t.storage);
      const events = Array.from({ length: 30 }, (_, i) => ({
        op: "grant",
        delegator: i,
        provider: "P",
        scopes: [1],
        at: i,
      }));
      await store.write(events);
      await store.snapshot();
      const m = (await snapshotManifest(t.storage))!;
      // Rewrite the stored snapshot as format 1 (as an earlier version wrote it), one chunk, and its manifest
      // as that version wrote it: no file, no CRC-32.
      const v1 = encodeIndexSnapshot(store.index, { version: 1 });
      const { file: _file, crc32: _crc32, ...earlier } = m;
      await t.storage.transaction(async (tx) => {
        for (let i = 0; i < m.chunks; i++)
          await tx.state.delete(
            DELEGATION_TABLES.snapshot,
            `${String(m.seq).padStart(16, "0")}/${String(i).padStart(6, "0")}`,
          );
        await tx.state.put(DELEGATION_TABLES.snapshot, `${String(m.seq).padStart(16, "0")}/000000`, v1);
        const manifest = {
          ...earlier,
          version: 1,
          size: v1.length,
          chunks: 1,
          checksum: Buffer.from(v1.subarray(v1.length - 32)).toString("hex"),
        };
        await tx.state.put(DELEGATION_TABLES.snapshot, "manifest", Buffer.from(JSON.stringify(manifest)));
      });
      const loaded = await loadIndexSnapshot(t.storage);
      expect(loaded.status).toBe("loaded");
      const reopened = await DelegationStore.open(t.storage);
      expect(reopened.opened).toMatchObject({ snapshot: "loaded", replayed: 0 });
      expect(reopened.index.check(7, "P", 1, 8).authorized).toBe(true);
      await reopened.write([{ op: "grant", delegator: 100, provider: "P", scopes: [1], at: 1 }]);
      await reopened.snapshot();
      expect((await snapshotManifest(t.storage))!.version).toBe(2);
    } finally {
      await t.cleanup();
    }
  });
});
