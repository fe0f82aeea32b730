// Timeline geometry: the README's history drawn on a known axis, and properties over random histories.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { axisFor, axisPoints, barsFor, byScope, formatInterval, intervalAt, ticks } from "./timeline.js";

const scope1 = [
  { from: 100, until: 400 },
  { from: 1000, until: 2000 },
];

describe("timeline geometry", () => {
  it("maps the README's history onto the axis: 5% padding, bars proportional to their blocks", () => {
    const axis = axisFor(axisPoints([{ scope: 1, intervals: scope1, lastEventAt: 2000 }], 150), 0, 1000);
    // Points span 100…2000 (1900 blocks): 95 blocks of padding each side.
    expect([axis.start, axis.end]).toEqual([5, 2095]);
    const bars = barsFor(scope1, axis);
    const px = 1000 / 2090;
    expect(bars[0]!.x).toBeCloseTo(95 * px, 9);
    expect(bars[0]!.width).toBeCloseTo(300 * px, 9);
    expect(bars[1]!.x).toBeCloseTo(995 * px, 9);
    expect(bars[1]!.width).toBeCloseTo(1000 * px, 9);
    expect(bars.map((b) => b.open)).toEqual([false, false]);
    expect(axis.block(axis.x(150))).toBe(150);
  });

  it("runs an open interval to the right edge and never starts the axis below block 0", () => {
    const axis = axisFor([0, 10], 50, 850);
    expect(axis.start).toBe(0);
    const [bar] = barsFor([{ from: 5, until: null }], axis);
    expect(bar!.open).toBe(true);
    expect(bar!.x + bar!.width).toBeCloseTo(850, 9);
  });

  it("finds the interval at a block as checks answer: from inclusive, until exclusive", () => {
    expect(intervalAt(scope1, 99)).toBeNull();
    expect(intervalAt(scope1, 100)).toEqual({ from: 100, until: 400 });
    expect(intervalAt(scope1, 399)).toEqual({ from: 100, until: 400 });
    expect(intervalAt(scope1, 400)).toBeNull();
    expect(intervalAt(scope1, 1999)).toEqual({ from: 1000, until: 2000 });
    expect(intervalAt([{ from: 7, until: null }], 1e12)).toEqual({ from: 7, until: null });
  });

  it("formats intervals, ticks on round numbers and sorts scopes numbers first", () => {
    expect(scope1.map(formatInterval)).toEqual(["[100, 400)", "[1000, 2000)"]);
    expect(formatInterval({ from: 3, until: null })).toBe("[3, ∞)");
    expect(ticks(axisFor([100, 2000], 0, 100))).toEqual([500, 1000, 1500, 2000]);
    const sorted = byScope([
      { scope: "posts", intervals: [], lastEventAt: 0 },
      { scope: 2, intervals: [], lastEventAt: 0 },
      { scope: 1, intervals: [], lastEventAt: 0 },
    ]);
    expect(sorted.map((h) => h.scope)).toEqual([1, 2, "posts"]);
  });

  it("property: bars stay inside the axis, keep their order and the cursor maps back to its block", () => {
    const history = fc
      .uniqueArray(fc.integer({ min: 0, max: 1_000_000 }), { minLength: 2, maxLength: 12 })
      .map((edges) => {
        const sorted = [...edges].sort((a, b) => a - b);
        const intervals = [];
        for (let i = 0; i + 1 < sorted.length; i += 2)
          intervals.push({ from: sorted[i]!, until: sorted[i + 1]! });
        return intervals;
      });
    fc.assert(
      fc.property(history, fc.integer({ min: 0, max: 1_000_000 }), (intervals, cursor) => {
        const last = intervals[intervals.length - 1]!.until;
        const axis = axisFor(axisPoints([{ scope: 1, intervals, lastEventAt: last }], cursor), 100, 900);
        const bars = barsFor(intervals, axis);
        for (const b of bars) {
          expect(b.x).toBeGreaterThanOrEqual(100);
          expect(b.x + b.width).toBeLessThanOrEqual(900 + 1);
        }
        for (let i = 1; i < bars.length; i++) expect(bars[i]!.x).toBeGreaterThanOrEqual(bars[i - 1]!.x);
        // One pixel spans at most (span / 800) blocks: the round trip is exact within that.
        const perPixel = (axis.end - axis.start) / 800;
        expect(Math.abs(axis.block(axis.x(cursor)) - cursor)).toBeLessThanOrEqual(Math.ceil(perPixel));
      }),
    );
  });
});
