// Log rows of one event (every earlier version) and bulk segments read the same: scans, point reads, positions.
import { describe, expect, it } from "vitest";
import { TEST_BACKENDS, type TestStorage } from "../store/testing.js";
import { DelegationStore } from "./delegation-store.js";
import { importEvents } from "./import-events.js";
import {
  EVENT_TABLE,
  lastLoggedSeq,
  loggedEventBytes,
  SEGMENT_EVENTS,
  SegmentBuilder,
  scanLogged,
  segmentEvents,
  segmentRows,
  seqKey,
} from "./log-segments.js";
import { writeIndexSnapshot } from "./snapshot-store.js";

const enc = new TextEncoder();
const text = (b: Uint8Array | undefined) => (b === undefined ? undefined : Buffer.from(b).toString("utf8"));
/** Event `i` of the fixture in normal form, written out by hand (key order op, delegator, provider, scopes, at). */
const line = (i: number) =>
  i % 5 === 4
    ? `{"op":"revoke","delegator":${i - 1},"provider":"P","at":${1000 + i},"id":"e${i}"}`
    : `{"op":"grant","delegator":${i},"provider":"P","scopes":[1],"at":${1000 + i},"id":"e${i}"}`;

async function withStorage(open: () => Promise<TestStorage>, fn: (t: TestStorage) => Promise<void>) {
  const t = await open();
  try {
    await fn(t);
  } finally {
    await t.cleanup();
  }
}

it("SegmentBuilder: per events a segment, LF between them, a view of the buffer where lines lie back to back", () => {
  const buf = Buffer.from(`${line(1)}\n${line(2)}\r\n${line(3)}\n${line(4)}\n${line(5)}`);
  const ranges: [number, number][] = [];
  for (let start = 0, i = 0; i < 5; i++) {
    const nl = buf.indexOf(0x0a, start);
    const end = nl < 0 ? buf.length : nl;
    ranges.push([start, buf[end - 1] === 0x0d ? end - 1 : end]);
    start = end + 1;
  }
  const two = new SegmentBuilder(2);
  for (const [s0, e0] of ranges) two.add(buf, s0, e0);
  const values = two.take();
  expect(values.map(text)).toEqual([`${line(1)}\n${line(2)}`, `${line(3)}\n${line(4)}`, line(5)]);
  expect(segmentRows(7, values, 2).map((r) => r.key)).toEqual([seqKey(7), seqKey(9), seqKey(11)]);
  // Not back to back (a CR between, another buffer): joined with LF into a new value.
  const three = new SegmentBuilder(3);
  for (const [s0, e0] of ranges.slice(0, 3)) three.add(buf, s0, e0);
  const other = Buffer.from(line(9));
  three.add(other, 0, other.length);
  const joined = three.take();
  expect(joined.map(text)).toEqual([`${line(1)}\n${line(2)}\n${line(3)}`, line(9)]);
  expect(segmentEvents(joined[0]!).map(text)).toEqual([line(1), line(2), line(3)]);
  expect(three.take()).toEqual([]);
  // The back-to-back segments are views of `buf`; the joined one is a copy.
  buf.fill(0x20);
  expect(values.map(text)).toEqual([
    " ".repeat(values[0]!.length),
    " ".repeat(values[1]!.length),
    " ".repeat(values[2]!.length),
  ]);
  expect(text(joined[0])).toBe(`${line(1)}\n${line(2)}\n${line(3)}`);
  expect(SEGMENT_EVENTS).toBeGreaterThan(1);
});

describe.each(TEST_BACKENDS)("log segments (%s)", (_name, open) => {
  it("reads a log of one-event rows (as earlier versions wrote it) followed by imported segments", async () => {
    await withStorage(open, async (t) => {
      // 10 rows the way main wrote every event: one row per seq.
      for (let i = 1; i <= 10; i++) await t.storage.state.put(EVENT_TABLE, seqKey(i), enc.encode(line(i)));
      const n = 10 + 2 * SEGMENT_EVENTS + 7;
      const file = Array.from({ length: n - 10 }, (_, k) => `${line(11 + k)}\n`).join("");
      const store = await DelegationStore.open(t.storage);
      expect(store.index.lastSeq).toBe(10);
      expect(
        await importEvents(store, {
          open: async function* () {
            yield enc.encode(file);
          },
        }),
      ).toMatchObject({
        applied: n - 10,
      });
      // The import wrote 3 segment rows after the 10 single rows.
      let rows = 0;
      for await (const _ of t.storage.state.scan(EVENT_TABLE)) rows++;
      expect(rows).toBe(13);
      expect(await lastLoggedSeq(t.storage.state)).toBe(n);
      for (const seq of [1, 10, 11, 12, 10 + SEGMENT_EVENTS, 11 + SEGMENT_EVENTS, n])
        expect(text(await loggedEventBytes(t.storage.state, seq))).toBe(line(seq));
      expect(await loggedEventBytes(t.storage.state, n + 1)).toBeUndefined();
      for (const after of [0, 5, 10, 11, 200, 10 + SEGMENT_EVENTS, n - 1, n]) {
        const seen: number[] = [];
        for await (const { seq, bytes } of scanLogged(t.storage.state, after)) {
          expect(text(bytes)).toBe(line(seq));
          seen.push(seq);
        }
        expect(seen).toEqual(Array.from({ length: n - after }, (_, k) => after + 1 + k));
      }
      const upTo: number[] = [];
      for await (const { seq } of scanLogged(t.storage.state, 100, 105)) upTo.push(seq);
      expect(upTo).toEqual([101, 102, 103, 104, 105]);

      // A write after the segments lands after them; a reopen replays both layouts to the same answers.
      expect(await store.write([{ op: "revoke", delegator: 11, provider: "P", at: 5000 }])).toEqual([
        { status: "applied", seq: n + 1 },
      ]);
      const again = await DelegationStore.open(t.storage);
      expect(again.index.lastSeq).toBe(n + 1);
      for (const d of [1, 3, 11, 12, 200, n - 1])
        for (const at of [1000 + d, 4999, 5001])
          expect(again.index.check(d, "P", 1, at)).toEqual(store.index.check(d, "P", 1, at));
      expect(
        await store.write([{ op: "grant", delegator: 20, provider: "P", scopes: [1], at: 1020, id: "e20" }]),
      ).toEqual([{ status: "duplicate", seq: 20 }]);
    });
  });

  it("opens up to, and snapshots at, a position inside a segment", async () => {
    await withStorage(open, async (t) => {
      const n = SEGMENT_EVENTS + 50;
      const file = Array.from({ length: n }, (_, k) => `${line(k + 1)}\n`).join("");
      const store = await DelegationStore.open(t.storage);
      await importEvents(store, {
        open: async function* () {
          yield enc.encode(file);
        },
      });
      const mid = 100;
      const partial = await DelegationStore.open(t.storage, mid);
      expect(partial.index.lastSeq).toBe(mid);
      expect(partial.index.check(mid + 1, "P", 1, 5000).authorized).toBe(false);
      expect(partial.index.check(mid - 3, "P", 1, 5000).authorized).toBe(true);
      expect(await writeIndexSnapshot(t.storage, partial.index)).toMatchObject({ written: true, seq: mid });
      const reopened = await DelegationStore.open(t.storage);
      expect(reopened.opened).toMatchObject({ snapshot: "loaded", snapshotSeq: mid, replayed: n - mid });
      for (const d of [1, 4, mid - 1, mid + 1, n - 1])
        expect(reopened.index.check(d, "P", 1, 5000)).toEqual(store.index.check(d, "P", 1, 5000));
    });
  });
});
