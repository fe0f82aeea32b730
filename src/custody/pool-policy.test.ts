// PoolPolicy: the pool while it warms up, each way measured, then the cheaper way with the other explored.
import { describe, expect, it } from "vitest";
import { PoolPolicy, type SignMode } from "./pool-policy.js";

/** Runs `n` batches of 64 signatures, each costing `cost(mode)` ms per signature; returns the ways taken. */
function run(policy: PoolPolicy, n: number, cost: (mode: SignMode) => number): SignMode[] {
  const ways: SignMode[] = [];
  for (let i = 0; i < n; i++) {
    const mode = policy.choose();
    ways.push(mode);
    policy.record(mode, cost(mode) * 64, 64);
  }
  return ways;
}

describe("PoolPolicy", () => {
  it("warms the pool up unmeasured, measures inline once, then keeps to the cheaper way", () => {
    const policy = new PoolPolicy();
    const warm = run(policy, 8, () => 5); // a cold worker's slow first batches are not counted
    expect(warm.every((m) => m === "pool")).toBe(true);
    expect(Number.isNaN(policy.costs.pool)).toBe(true);
    const first = run(policy, 2, (m) => (m === "pool" ? 0.06 : 0.09));
    expect(first).toEqual(["pool", "inline"]);
    const steady = run(policy, 64, (m) => (m === "pool" ? 0.06 : 0.09));
    expect(steady.filter((m) => m === "pool").length).toBe(56); // one batch in 8 explores inline
    expect(policy.costs.pool).toBeCloseTo(0.06);
  });

  it("turns to inline when the pool stops paying (e.g. the second core got busy), and back", () => {
    const policy = new PoolPolicy();
    run(policy, 40, (m) => (m === "pool" ? 0.06 : 0.09));
    const busy = run(policy, 64, (m) => (m === "pool" ? 0.15 : 0.09));
    expect(busy.slice(-32).filter((m) => m === "inline").length).toBe(28);
    const free = run(policy, 64, (m) => (m === "pool" ? 0.05 : 0.09));
    expect(free.slice(-32).filter((m) => m === "pool").length).toBe(28);
  });

  it("ignores a batch with no signatures or a negative time", () => {
    const policy = new PoolPolicy();
    run(policy, 9, () => 0.1);
    policy.record("inline", -1, 64);
    policy.record("inline", 5, 0);
    expect(Number.isNaN(policy.costs.inline)).toBe(true);
  });
});
