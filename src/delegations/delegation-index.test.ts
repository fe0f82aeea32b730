// Delegation index: every scenario of seed 003, the documented edge rules, and a brute-force property test.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { DelegationIndex } from "./delegation-index.js";
import { type DelegationEvent, parseEvent } from "./events.js";
import { encodeSnapshotV2 } from "./index-snapshot-v2.js";
import { LookupBatch } from "./lookup-batch.js";

function grant(
  delegator: number | string,
  provider: number | string,
  scopes: (number | string)[],
  at: number,
  expiresAt?: number,
) {
  return parseEvent({
    op: "grant",
    delegator,
    provider,
    scopes,
    at,
    ...(expiresAt === undefined ? {} : { expiresAt }),
  });
}
function revoke(
  delegator: number | string,
  provider: number | string,
  at: number,
  scopes?: (number | string)[],
) {
  return parseEvent({ op: "revoke", delegator, provider, at, ...(scopes === undefined ? {} : { scopes }) });
}
function build(events: DelegationEvent[]): DelegationIndex {
  const index = new DelegationIndex();
  for (const e of events) index.apply(e);
  return index;
}
const ok = (index: DelegationIndex, at: number, scope: number | string = 1) =>
  index.check(1234, "A", scope, at).authorized;

describe("seed 003 scenarios", () => {
  it("case 1/2: delegated and never revoked — authorized from the grant on, not before", () => {
    const index = build([grant(1234, "A", [1], 100)]);
    expect(index.check(1234, "A", 1, 99)).toEqual({ authorized: false, interval: null });
    expect(index.check(1234, "A", 1, 100)).toEqual({
      authorized: true,
      interval: { from: 100, until: null },
    });
    expect(ok(index, 10_000_000)).toBe(true);
  });

  it("case 3: delegated at 100, revoked at 400 — [100, 400)", () => {
    const index = build([grant(1234, "A", [1], 100), revoke(1234, "A", 400, [1])]);
    expect([ok(index, 99), ok(index, 100), ok(index, 399), ok(index, 400), ok(index, 5000)]).toEqual([
      false,
      true,
      true,
      false,
      false,
    ]);
    expect(index.check(1234, "A", 1, 250).interval).toEqual({ from: 100, until: 400 });
  });

  it("case 4: revoke / re-grant gaps: 100–400 and 1000–2000 authorized, the gap is not", () => {
    const index = build([
      grant(1234, "A", [1], 100),
      revoke(1234, "A", 400, [1]),
      grant(1234, "A", [1], 1000),
      revoke(1234, "A", 2000, [1]),
    ]);
    const at = [99, 100, 399, 400, 700, 999, 1000, 1999, 2000, 3000];
    const authorized = [false, true, true, false, false, false, true, true, false, false];
    expect(at.map((n) => ok(index, n))).toEqual(authorized);
    expect(index.history(1234, "A", 1)[0]?.intervals).toEqual([
      { from: 100, until: 400 },
      { from: 1000, until: 2000 },
    ]);
  });

  it("content posted by provider B before B's first grant stays unauthorized after the grant", () => {
    const index = build([grant(1234, "A", [1], 10), grant(1234, "B", [1], 500)]);
    expect(index.check(1234, "B", 1, 300).authorized).toBe(false);
    expect(index.check(1234, "B", 1, 500).authorized).toBe(true);
    expect(index.check(1234, "C", 1, 300)).toEqual({ authorized: false, interval: null });
  });

  it("whole-delegation revoke closes every scope; a one-scope revoke closes only that scope", () => {
    const one = build([grant(1234, "A", [1, 2, 3], 100), revoke(1234, "A", 200, [2])]);
    expect([ok(one, 250, 1), ok(one, 250, 2), ok(one, 250, 3)]).toEqual([true, false, true]);
    const all = build([grant(1234, "A", [1, 2, 3], 100), revoke(1234, "A", 200)]);
    expect([ok(all, 250, 1), ok(all, 250, 2), ok(all, 250, 3), ok(all, 199, 2)]).toEqual([
      false,
      false,
      false,
      true,
    ]);
    expect(
      all
        .history(1234, "A")
        .map((h) => h.scope)
        .sort(),
    ).toEqual([1, 2, 3]);
  });

  it("expiry closes at expiresAt: authorized at expiresAt − 1, not at expiresAt", () => {
    const index = build([grant(1234, "A", [1], 100, 500)]);
    expect([ok(index, 499), ok(index, 500)]).toEqual([true, false]);
    expect(index.check(1234, "A", 1, 499).interval).toEqual({ from: 100, until: 500 });
  });

  it("grant and revoke at the same position give an empty interval", () => {
    const index = build([grant(1234, "A", [1], 100), revoke(1234, "A", 100, [1])]);
    expect([ok(index, 99), ok(index, 100), ok(index, 101)]).toEqual([false, false, false]);
    expect(index.history(1234, "A", 1)[0]?.intervals).toEqual([{ from: 100, until: 100 }]);
  });
});

describe("ordering and edge rules", () => {
  it("refuses an event earlier than the key's last event (conflict) and applies nothing of it", () => {
    const index = build([grant(1234, "A", [1], 100), revoke(1234, "A", 400, [1])]);
    expect(() => index.apply(grant(1234, "A", [2, 1], 300))).toThrow(
      expect.objectContaining({ code: "conflict" }),
    );
    expect(index.check(1234, "A", 2, 350).authorized).toBe(false);
    expect(index.history(1234, "A", 2)).toEqual([]);
  });

  it("a grant of an open scope renews it: same interval, the new expiry replaces the old one", () => {
    const index = build([grant(1234, "A", [1], 100, 300), grant(1234, "A", [1], 200, 900)]);
    expect(index.history(1234, "A", 1)[0]?.intervals).toEqual([{ from: 100, until: 900 }]);
    const after = build([grant(1234, "A", [1], 100, 300), grant(1234, "A", [1], 300)]);
    expect(after.history(1234, "A", 1)[0]?.intervals).toEqual([
      { from: 100, until: 300 },
      { from: 300, until: null },
    ]);
  });

  it("a revoke of a closed scope changes nothing but the ordering position; a never-granted one is not_found", () => {
    const index = build([grant(1234, "A", [1], 100, 200), revoke(1234, "A", 300, [1])]);
    expect(index.history(1234, "A", 1)[0]).toMatchObject({
      intervals: [{ from: 100, until: 200 }],
      lastEventAt: 300,
    });
    expect(() => index.apply(grant(1234, "A", [1], 250))).toThrow(
      expect.objectContaining({ code: "conflict" }),
    );
    expect(() => index.apply(revoke(1234, "A", 400, [9]))).toThrow(
      expect.objectContaining({ code: "not_found" }),
    );
    expect(() => index.apply(revoke(1234, "Z", 400))).toThrow(expect.objectContaining({ code: "not_found" }));
  });

  it("ids: '42' and 42 are one id; string ids are exact", () => {
    const index = build([grant("42", "prov:x", ["schema:a"], 1)]);
    expect(index.check(42, "prov:x", "schema:a", 1).authorized).toBe(true);
    expect(index.check(42, "prov:X", "schema:a", 1).authorized).toBe(false);
    expect(() => index.check("042", "p", 1, 1)).toThrow(RangeError);
    expect(() => index.check(1, "p", 1, -1)).toThrow(RangeError);
    // Every id position normalises the same way, the scope too.
    const scoped = build([grant(7, "p", [5], 1)]);
    expect(scoped.check("7", "p", "5", 1).authorized).toBe(true);
    expect(() => scoped.check(7, "p", "05", 1)).toThrow(RangeError);
  });

  it("simulate() leaves no trace; clone() is independent", () => {
    const index = build([grant(1, 2, [3], 10)]);
    const before = index.stats();
    index.simulate((x) => {
      x.apply(grant(1, 2, [3, 4], 20, 30));
      x.apply(grant(9, 9, [9], 20));
      x.apply(revoke(1, 2, 25));
      expect(x.check(9, 9, 9, 21).authorized).toBe(true);
    });
    expect(index.stats()).toEqual(before);
    expect(index.check(9, 9, 9, 21).authorized).toBe(false);
    expect(index.history(1, 2)).toEqual([
      { delegator: 1, provider: 2, scope: 3, intervals: [{ from: 10, until: null }], lastEventAt: 10 },
    ]);
    const copy = index.clone();
    copy.apply(revoke(1, 2, 50));
    expect(index.check(1, 2, 3, 60).authorized).toBe(true);
    expect(copy.check(1, 2, 3, 60).authorized).toBe(false);
  });
});

describe("reserve", () => {
  // 3,000 keys of 1,000 pairs, with revokes and re-grants (pool relocation), string and integer ids.
  const events: DelegationEvent[] = [];
  for (let d = 0; d < 1000; d++) events.push(grant(d % 7 === 0 ? `d${d}` : d, d % 13, [1, 2, "s"], 10 + d));
  for (let d = 0; d < 1000; d += 3) events.push(revoke(d % 7 === 0 ? `d${d}` : d, d % 13, 5000 + d, [2]));
  for (let d = 0; d < 1000; d += 6) events.push(grant(d % 7 === 0 ? `d${d}` : d, d % 13, [2], 9000 + d));
  const snapshot = (index: DelegationIndex) => encodeSnapshotV2(index.snapshotTables(), "TESTSNAP", 1);

  it("changes no answer, and after compact() the tables have the sizes growth gives", () => {
    const grown = build(events);
    grown.compact();
    // Too little, about right, and far too much room (slots two doublings past what growth reaches).
    for (const [keys, pairs, rows] of [
      [10, 10, 10],
      [3000, 1000, 3000],
      [20_000, 9000, 40_000],
    ] as const) {
      const reserved = new DelegationIndex();
      reserved.reserve(keys, pairs, rows);
      for (const e of events) reserved.apply(e);
      for (const d of [0, 1, 3, 6, 7, 999, 1000])
        for (const at of [5, 100, 5100, 9100, 20_000]) {
          const id = d % 7 === 0 ? `d${d}` : d;
          expect(reserved.check(id, d % 13, 2, at)).toEqual(grown.check(id, d % 13, 2, at));
        }
      reserved.compact();
      // Same sizes (stats().bytes counts every array), so the same snapshot size; slots may sit elsewhere.
      expect(reserved.stats()).toEqual(grown.stats());
      expect(snapshot(reserved).length).toBe(snapshot(grown).length);
    }
  });
});

// Brute-force reference: the state at position x is found by replaying, in arrival order, every accepted event
// with at ≤ x; acceptance follows the documented rules. Independent of the index's interval structure.
type Ref = { events: DelegationEvent[]; last: Map<string, number>; granted: Map<string, Set<number>> };
const key = (d: unknown, p: unknown, s: unknown) => `${d}|${p}|${s}`;

function refApply(ref: Ref, e: DelegationEvent): string {
  const pair = `${e.delegator}|${e.provider}`;
  const ever = ref.granted.get(pair) ?? new Set<number>();
  const scopes = (e.scopes ?? [...ever]) as number[];
  if (e.op === "revoke" && (scopes.length === 0 || scopes.some((s) => !ever.has(s)))) return "not_found";
  if (scopes.some((s) => e.at < (ref.last.get(key(e.delegator, e.provider, s)) ?? -1))) return "conflict";
  for (const s of scopes) ref.last.set(key(e.delegator, e.provider, s), e.at);
  if (e.op === "grant") for (const s of scopes) ever.add(s);
  ref.granted.set(pair, ever);
  ref.events.push({ ...e, scopes });
  return "ok";
}

function refCheck(ref: Ref, d: number, p: number, s: number, x: number): boolean {
  let until = Number.NEGATIVE_INFINITY;
  for (const e of ref.events) {
    if (e.at > x || e.delegator !== d || e.provider !== p || !e.scopes?.includes(s)) continue;
    if (e.op === "grant") until = e.expiresAt ?? Number.POSITIVE_INFINITY;
    else if (e.at < until) until = e.at;
  }
  return x < until;
}

function arbEvent(delegators: number, providers: number) {
  const d = fc.integer({ min: 0, max: delegators - 1 });
  const p = fc.integer({ min: 0, max: providers - 1 });
  const scopes = fc.uniqueArray(fc.integer({ min: 0, max: 2 }), { minLength: 1, maxLength: 3 });
  return fc.oneof(
    fc.record({
      op: fc.constant("grant" as const),
      delegator: d,
      provider: p,
      scopes,
      at: fc.integer({ min: 0, max: 30 }),
      expiresIn: fc.option(fc.integer({ min: 1, max: 12 }), { nil: undefined }),
    }),
    fc.record({
      op: fc.constant("revoke" as const),
      delegator: d,
      provider: p,
      scopes: fc.option(scopes, { nil: undefined }),
      at: fc.integer({ min: 0, max: 30 }),
    }),
  );
}
type Raw = {
  op: "grant" | "revoke";
  delegator: number;
  provider: number;
  scopes?: number[];
  at: number;
  expiresIn?: number;
};
const toEvent = ({ expiresIn, ...r }: Raw) =>
  parseEvent(expiresIn === undefined ? r : { ...r, expiresAt: r.at + expiresIn });

function runProperty(delegators: number, providers: number, maxEvents: number, numRuns: number): void {
  fc.assert(
    fc.property(
      fc.array(arbEvent(delegators, providers), { maxLength: maxEvents }),
      fc.array(arbEvent(delegators, providers), { maxLength: maxEvents / 4 }),
      (raw, extra) => {
        const index = new DelegationIndex();
        const ref: Ref = { events: [], last: new Map(), granted: new Map() };
        for (const r of raw) {
          const e = toEvent(r);
          let got = "ok";
          try {
            index.apply(e);
          } catch (err) {
            got = (err as { code: string }).code;
          }
          expect(got).toBe(refApply(ref, e));
        }
        // Every key named by an event (plus one never named) at every position.
        const keys = new Set(raw.flatMap((r) => [0, 1, 2].map((s) => `${r.delegator},${r.provider},${s}`)));
        keys.add(`${delegators},0,0`);
        const probe = (f: (d: number, p: number, s: number, x: number) => boolean) => {
          const out: boolean[] = [];
          for (const k of keys) {
            const [d, p, s] = k.split(",").map(Number) as [number, number, number];
            for (let x = 0; x <= 45; x++) out.push(f(d, p, s, x));
          }
          return out;
        };
        const expected = probe((d, p, s, x) => refCheck(ref, d, p, s, x));
        const answers = () => probe((d, p, s, x) => index.check(d, p, s, x).authorized);
        expect(answers()).toEqual(expected);
        const { bytes: _grown, ...stats } = index.stats(); // arrays may stay grown after a rollback
        index.simulate((x) => {
          for (const r of extra)
            try {
              x.apply(toEvent(r));
            } catch {
              // refused events are part of the simulation too
            }
        });
        expect(answers()).toEqual(expected);
        expect(index.stats()).toMatchObject(stats);
      },
    ),
    { numRuns },
  );
}

describe("property: the index answers exactly like a brute-force replay", () => {
  it("few keys, many events per key (acceptance, checks at every position, simulate rollback)", () => {
    runProperty(3, 2, 40, 300);
  });

  it("many keys (hash-table growth, pool relocation, rollback across resizes)", () => {
    runProperty(400, 3, 400, 40);
  });
});

describe("locateMany", () => {
  it("answers exactly like locate for every query (hits, misses, collisions, unknown ids)", () => {
    const index = new DelegationIndex();
    for (let d = 0; d < 3000; d++) {
      index.apply(grant(d, d % 7, [d % 3, 5], 10 + (d % 50)));
      if (d % 2) index.apply(revoke(d, d % 7, 100 + (d % 30), [5]));
    }
    const n = 4096;
    const q = new LookupBatch(n);
    for (let i = 0; i < n; i++) q.push((i * 7919) % 3100, (i * 31) % 9, i % 7, (i * 13) % 160, i + 1);
    index.locateMany(q);
    let hits = 0;
    for (let i = 0; i < n; i++) {
      const expected = index.locate(q.delegators[i]!, q.providers[i]!, q.scopes[i]!, q.positions[i]!);
      expect(q.found[i]).toBe(expected);
      expect(q.tags[i]).toBe(i + 1);
      if (q.found[i]! >= 0) hits++;
    }
    expect(hits).toBeGreaterThan(50);
    // A cleared batch is reused: only the new queries are answered.
    q.clear();
    q.push(1, 1, 1, 10 + 1, 0);
    index.locateMany(q);
    expect(q.found[0]).toBe(index.locate(1, 1, 1, 11));
    expect(q.found[0]).toBeGreaterThanOrEqual(0);
  });

  it("refuses a batch capacity out of range, and says when a batch is full", () => {
    expect(() => new LookupBatch(0)).toThrow(RangeError);
    expect(() => new LookupBatch(1.5)).toThrow(/capacity/);
    const q = new LookupBatch(2);
    expect(q.push(1, 1, 1, 1, 1)).toBe(false);
    expect(q.push(2, 1, 1, 1, 2)).toBe(true);
    expect(q.size).toBe(2);
  });
});
