// Geometry of a delegation timeline: lanes of [from, until) intervals over a block axis, with a cursor.

/** One validity interval as the API returns it: `from` inclusive, `until` exclusive, null = open-ended. */
export interface Interval {
  readonly from: number;
  readonly until: number | null;
}

/** One scope's history (`GET /v1/delegations/history`). */
export interface ScopeHistory {
  readonly scope: number | string;
  readonly intervals: readonly Interval[];
  readonly lastEventAt: number;
}

/** A drawn bar: pixel x and width, and whether it is still open at the right edge. */
export interface Bar {
  readonly from: number;
  readonly until: number | null;
  readonly x: number;
  readonly width: number;
  readonly open: boolean;
}

/** The block range shown and how blocks map to pixels. */
export interface Axis {
  readonly start: number;
  readonly end: number;
  readonly left: number;
  readonly right: number;
  /** Pixel x of a block (clamped to the axis). */
  x(block: number): number;
  /** Block at a pixel x (rounded, clamped). */
  block(x: number): number;
}

/**
 * An axis over every interval edge, the last event and the cursor, padded by 5% each side (never below 0).
 * @example axisFor([100, 2000], 0, 800).x(100) // near the left edge
 */
export function axisFor(points: readonly number[], left: number, right: number): Axis {
  const finite = points.filter((p) => Number.isFinite(p));
  const lo = finite.length ? Math.min(...finite) : 0;
  const hi = finite.length ? Math.max(...finite) : 1;
  const pad = Math.max(1, Math.ceil((hi - lo) * 0.05));
  const start = Math.max(0, lo - pad);
  const end = hi + pad;
  const scale = (right - left) / (end - start);
  const clamp = (v: number, a: number, b: number) => Math.min(b, Math.max(a, v));
  return {
    start,
    end,
    left,
    right,
    x: (block) => left + (clamp(block, start, end) - start) * scale,
    block: (x) => Math.round(start + (clamp(x, left, right) - left) / scale),
  };
}

/** Every block an axis over these histories must show. */
export function axisPoints(histories: readonly ScopeHistory[], cursor: number | undefined): number[] {
  const points: number[] = [];
  for (const h of histories) {
    points.push(h.lastEventAt);
    for (const i of h.intervals) points.push(i.from, ...(i.until === null ? [] : [i.until]));
  }
  if (cursor !== undefined) points.push(cursor);
  return points;
}

/** Bars of one lane; an open interval runs to the axis end. */
export function barsFor(intervals: readonly Interval[], axis: Axis): Bar[] {
  return intervals.map((i) => {
    const x = axis.x(i.from);
    const end = i.until === null ? axis.right : axis.x(i.until);
    return { from: i.from, until: i.until, x, width: Math.max(1, end - x), open: i.until === null };
  });
}

/** The interval containing `block` (half-open, as the API answers checks), or null. */
export function intervalAt(intervals: readonly Interval[], block: number): Interval | null {
  return intervals.find((i) => block >= i.from && (i.until === null || block < i.until)) ?? null;
}

/** `[100, 400)` or `[1000, ∞)`: the notation docs/delegations.md uses. */
export function formatInterval(i: Interval): string {
  return `[${i.from}, ${i.until === null ? "∞" : i.until})`;
}

/** About `count` round tick positions inside the axis (1, 2 or 5 × 10^n apart). */
export function ticks(axis: Axis, count = 6): number[] {
  const span = axis.end - axis.start;
  const raw = span / Math.max(1, count);
  const mag = 10 ** Math.floor(Math.log10(Math.max(1, raw)));
  const step = ([1, 2, 5, 10].map((m) => m * mag).find((s) => s >= raw) ?? 10 * mag) || 1;
  const out: number[] = [];
  for (let t = Math.ceil(axis.start / step) * step; t <= axis.end; t += step) out.push(t);
  return out;
}

/** Sorts histories by scope: numbers ascending first, then strings. */
export function byScope(histories: readonly ScopeHistory[]): ScopeHistory[] {
  return [...histories].sort((a, b) => {
    if (typeof a.scope === "number" && typeof b.scope === "number") return a.scope - b.scope;
    if (typeof a.scope === "number") return -1;
    if (typeof b.scope === "number") return 1;
    return a.scope < b.scope ? -1 : a.scope > b.scope ? 1 : 0;
  });
}
