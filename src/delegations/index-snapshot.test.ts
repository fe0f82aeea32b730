// Index snapshot encoding: random logs round-trip to an index with identical answers; any corruption is refused.

import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { reseal } from "../../test/snapshot-reseal.js";
import { DelegationIndex } from "./delegation-index.js";
import { type DelegationEvent, parseEvent } from "./events.js";
import type { DelegationId } from "./ids.js";
import { decodeIndexSnapshot, encodeIndexSnapshot, INDEX_SNAPSHOT_VERSION } from "./index-snapshot.js";

// Small id spaces so keys collide, revokes find grants and string/integer ids mix in every role.
const DELEGATORS: DelegationId[] = [1, 9_007_199_254_740_991, "alice", "é😀"];
const PROVIDERS: DelegationId[] = [7, 70_000, "A"];
const SCOPES: DelegationId[] = [1, "posts", 2];

// Positions follow a clock that mostly moves forward (`dt` > 0); a negative `dt` is an event in the past,
// which the rules may refuse (conflict), as a real log's writers would see.
const event = fc.oneof(
  {
    weight: 3,
    arbitrary: fc.record({
      op: fc.constant("grant" as const),
      delegator: fc.constantFrom(...DELEGATORS),
      provider: fc.constantFrom(...PROVIDERS),
      scopes: fc.uniqueArray(fc.constantFrom(...SCOPES), { minLength: 1, maxLength: 3 }),
      dt: fc.integer({ min: -3, max: 4 }),
      expiresIn: fc.option(fc.integer({ min: 1, max: 15 }), { nil: undefined }),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      op: fc.constant("revoke" as const),
      delegator: fc.constantFrom(...DELEGATORS),
      provider: fc.constantFrom(...PROVIDERS),
      scopes: fc.option(fc.uniqueArray(fc.constantFrom(...SCOPES), { minLength: 1, maxLength: 2 }), {
        nil: undefined,
      }),
      dt: fc.integer({ min: -3, max: 4 }),
    }),
  },
);
type Generated = typeof event extends fc.Arbitrary<infer T> ? T : never;

function toEvent(g: Generated, at: number): DelegationEvent {
  const { expiresIn, dt: _dt, ...rest } = g as Generated & { expiresIn?: number };
  return parseEvent(expiresIn === undefined ? { ...rest, at } : { ...rest, at, expiresAt: at + expiresIn });
}

/** Applies the events the rules accept (refused ones are skipped, as the log would never hold them). */
function applyAll(index: DelegationIndex, events: readonly Generated[], clock = { at: 0 }): void {
  for (const g of events) {
    const at = Math.max(0, clock.at + g.dt);
    if (g.dt > 0) clock.at = at;
    try {
      index.applyLogged(index.lastSeq + 1, toEvent(g, at));
    } catch {
      // refused by a rule (conflict / not_found): not logged
    }
  }
}

/** Every observable answer: checks on a grid, histories per pair and per key, row-by-row key histories. */
function answers(index: DelegationIndex): unknown {
  const checks: string[] = [];
  const histories: unknown[] = [];
  for (const d of [...DELEGATORS, 3, "carol"])
    for (const p of [...PROVIDERS, 8]) {
      histories.push(index.history(d, p));
      for (const s of [...SCOPES, 3]) {
        histories.push(index.history(d, p, s));
        for (let at = 0; at <= 330; at += 5) {
          const r = index.check(d, p, s, at);
          checks.push(r.authorized ? `${r.interval!.from}-${r.interval!.until}` : "-");
        }
      }
    }
  const rows: unknown[] = [];
  for (let k = 0; k < index.keyCount; k++) rows.push(index.keyHistory(k));
  const { bytes: _bytes, ...stats } = index.stats();
  return { checks, histories, rows, stats };
}

function built(events: readonly Generated[]): { index: DelegationIndex; clock: { at: number } } {
  const index = new DelegationIndex();
  const clock = { at: 0 };
  applyAll(index, events, clock);
  return { index, clock };
}

/** An index over hand-written events (all valid). */
function logged(events: readonly object[]): DelegationIndex {
  const index = new DelegationIndex();
  for (const e of events) index.applyLogged(index.lastSeq + 1, parseEvent(e));
  return index;
}

describe("index snapshot", () => {
  describe.each([1, 2])("format %i", (version) => {
    it("round-trips random logs: the decoded index answers every check and history like the original", () => {
      fc.assert(
        fc.property(
          fc.array(event, { maxLength: 60, size: "max" }),
          fc.array(event, { maxLength: 20, size: "max" }),
          (log, later) => {
            const { index: original, clock } = built(log);
            const bytes = encodeIndexSnapshot(original, { version });
            const decoded = decodeIndexSnapshot(bytes);
            expect(answers(decoded)).toEqual(answers(original));
            // Byte-identical re-encoding: nothing is lost or reordered.
            expect(encodeIndexSnapshot(decoded, { version })).toEqual(bytes);
            // The restored hash tables and pair chains keep working for later events (new keys, renewals, revokes).
            applyAll(original, later, { ...clock });
            applyAll(decoded, later, { ...clock });
            expect(answers(decoded)).toEqual(answers(original));
          },
        ),
        { numRuns: 150 },
      );
    });

    it("snapshot + tail replay equals a full replay", () => {
      fc.assert(
        fc.property(fc.array(event, { maxLength: 60, size: "max" }), fc.nat({ max: 60 }), (log, cut) => {
          const full = built(log).index;
          const head = built(log.slice(0, cut));
          const restored = decodeIndexSnapshot(encodeIndexSnapshot(head.index, { version }));
          applyAll(restored, log.slice(cut), head.clock);
          expect(restored.lastSeq).toBe(full.lastSeq);
          expect(answers(restored)).toEqual(answers(full));
        }),
        { numRuns: 100 },
      );
    });

    it("keeps an empty index, a grown one (slot tables resized) and unaligned input", () => {
      const empty = decodeIndexSnapshot(encodeIndexSnapshot(new DelegationIndex(), { version }));
      expect(empty.stats()).toMatchObject({ keys: 0, intervals: 0, lastSeq: 0 });
      const big = new DelegationIndex();
      for (let i = 0; i < 3000; i++)
        big.applyLogged(
          i + 1,
          parseEvent({ op: "grant", delegator: i, provider: `p${i % 50}`, scopes: [i % 3], at: i }),
        );
      const bytes = encodeIndexSnapshot(big, { version });
      const unaligned = new Uint8Array(bytes.length + 3).subarray(3);
      unaligned.set(bytes);
      const d = decodeIndexSnapshot(unaligned);
      expect(answers(d)).toEqual(answers(big));
      expect(d.check(2999, "p49", 2, 3000)).toEqual({
        authorized: true,
        interval: { from: 2999, until: null },
      });
    });
  });

  it.each([1, 2])("format %i: refuses a flipped bit anywhere, a truncation and a foreign blob", (version) => {
    const index = logged([
      { op: "grant", delegator: "alice", provider: "A", scopes: [1, "posts"], at: 3, expiresAt: 8 },
      { op: "revoke", delegator: "alice", provider: "A", at: 5 },
    ]);
    const bytes = encodeIndexSnapshot(index, { version });
    for (const i of [0, 9, 20, 64, bytes.length - 40, bytes.length - 1]) {
      const bad = bytes.slice();
      bad[i]! ^= 1;
      expect(() => decodeIndexSnapshot(bad)).toThrow(
        expect.objectContaining({
          code: "snapshot_corrupt",
          message: expect.stringMatching(/snapshot is corrupt/),
        }),
      );
    }
    expect(() => decodeIndexSnapshot(bytes.subarray(0, bytes.length - 1))).toThrow(/checksum mismatch/);
    expect(() => decodeIndexSnapshot(bytes.subarray(0, 50))).toThrow(/truncated/);
    expect(() => decodeIndexSnapshot(new Uint8Array(200))).toThrow(/not an index snapshot/);
    expect(() => decodeIndexSnapshot("x" as unknown as Uint8Array)).toThrow(TypeError);
    expect(() => decodeIndexSnapshot("x" as unknown as Uint8Array)).toThrow(/bytes must be a Uint8Array/);
    expect(() => encodeIndexSnapshot({} as DelegationIndex)).toThrow(/index must be a DelegationIndex/);
  });

  it("refuses well-sealed but inconsistent content (version, sizes, codes, interval order, duplicates)", () => {
    const index = logged([
      { op: "grant", delegator: 5, provider: "A", scopes: [1, 2], at: 3 },
      { op: "revoke", delegator: 5, provider: "A", scopes: [1], at: 6 },
      { op: "grant", delegator: 5, provider: "A", scopes: [1], at: 9 },
    ]);
    const bytes = encodeIndexSnapshot(index, { version: 1 });
    const view = (b: Uint8Array) => new DataView(b.buffer, b.byteOffset, b.byteLength);
    const tamper = (fn: (b: Uint8Array, v: DataView) => void) => {
      const b = bytes.slice();
      fn(b, view(b));
      return () => decodeIndexSnapshot(reseal(b));
    };
    // Layout for 2 keys: D@64, LAST@80, P@96, S@104, C@112, IV@120 (3 intervals), dictionaries@168.
    expect(tamper((_b, v) => v.setUint32(8, INDEX_SNAPSHOT_VERSION + 1, true))).toThrow(
      /unsupported format version 3/,
    );
    expect(tamper((_b, v) => v.setUint32(24, 3, true))).toThrow(/sizes do not match/);
    expect(tamper((_b, v) => v.setUint32(28, 2, true))).toThrow(/fewer pairs/);
    expect(tamper((_b, v) => v.setUint32(28, 0, true))).toThrow(/more pairs/);
    expect(tamper((_b, v) => v.setUint32(96, 1, true))).toThrow(/key 0: provider or scope code/);
    expect(tamper((_b, v) => v.setFloat64(64, 0.5, true))).toThrow(/key 0: delegator/);
    expect(tamper((_b, v) => v.setFloat64(64, -1, true))).toThrow(/key 0: delegator/);
    expect(tamper((_b, v) => v.setUint32(108, 0, true))).toThrow(/key 1 is a duplicate of key 0/);
    expect(tamper((_b, v) => v.setFloat64(80, 1.5, true))).toThrow(/key 0: last event position/);
    expect(tamper((_b, v) => v.setFloat64(128, 2, true))).toThrow(/key 0: interval 0/); // until < from
    expect(tamper((_b, v) => v.setFloat64(136, 1, true))).toThrow(/key 0: interval 1/); // from goes back
    expect(tamper((_b, v) => v.setUint32(112, 1, true))).toThrow(/interval counts do not add up/);
    expect(tamper((b) => (b[168] = 9))).toThrow(/scope|provider/);
    expect(decodeIndexSnapshot(reseal(bytes)).check(5, "A", 1, 10).authorized).toBe(true);
  });

  it("refuses dictionaries that are not in normal form, duplicated or not UTF-8", () => {
    const one = (provider: DelegationId) =>
      encodeIndexSnapshot(logged([{ op: "grant", delegator: 1, provider, scopes: [2], at: 0 }]), {
        version: 1,
      });
    // One key: D@64 … IV@96 (1 interval), dictionaries@112: providers first (no string delegators).
    const digits = one("42x").slice();
    digits[112 + 5 + 2] = "4".charCodeAt(0); // "424": a digit string is an integer, not a string id
    expect(() => decodeIndexSnapshot(reseal(digits))).toThrow(
      /provider dictionary entry 0 is not in normal form/,
    );
    const utf8 = one("é").slice();
    utf8[112 + 5] = 0xff;
    expect(() => decodeIndexSnapshot(reseal(utf8))).toThrow(/not UTF-8/);
    const control = one("ab").slice();
    control[112 + 5] = 0x07;
    expect(() => decodeIndexSnapshot(reseal(control))).toThrow(
      /provider dictionary entry 0 is not a valid id/,
    );
    // Two providers "A" and "B" → make the second "A": a duplicate code.
    const two = encodeIndexSnapshot(
      logged([
        { op: "grant", delegator: 1, provider: "A", scopes: [2], at: 0 },
        { op: "grant", delegator: 1, provider: "B", scopes: [2], at: 0 },
      ]),
      { version: 1 },
    ).slice();
    const dicts = two.length - 32 - 6 - 6 - 9; // providers "A", "B" then scope 2
    two[dicts + 6 + 5] = "A".charCodeAt(0);
    expect(() => decodeIndexSnapshot(reseal(two))).toThrow(/provider dictionary entry 1 is a duplicate/);
  });
});
