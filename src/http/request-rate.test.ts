// RequestRate: the budget per key and window, independent keys, the window's end, bounded memory.
import { describe, expect, it } from "vitest";
import { RequestRate } from "./request-rate.js";

describe("RequestRate", () => {
  it("allows perMinute requests per key and window, then answers the seconds left; other keys are untouched", () => {
    let now = 1_000_000;
    const rate = new RequestRate(3, () => now);
    expect([rate.hit("a"), rate.hit("a"), rate.hit("a")]).toEqual([0, 0, 0]);
    expect(rate.hit("a")).toBe(60);
    expect(rate.hit("b")).toBe(0);
    now += 45_500;
    expect(rate.hit("a")).toBe(15);
    now += 14_500; // the window that started at 1,000,000 ends here
    expect(rate.hit("a")).toBe(0);
  });

  it("never answers 0 for a refused request, even in the window's last millisecond", () => {
    let now = 0;
    const rate = new RequestRate(1, () => now);
    rate.hit("k");
    now = 59_999;
    expect(rate.hit("k")).toBe(1);
  });

  it("keeps memory bounded: ended windows are swept when many keys are live, live budgets survive the sweep", () => {
    let now = 0;
    const rate = new RequestRate(1, () => now);
    for (let i = 0; i < 99_999; i++) rate.hit(`old-${i}`);
    now = 30_000;
    expect(rate.hit("live")).toBe(0); // 100,000 keys now
    now = 60_001;
    expect(rate.hit("fresh")).toBe(0); // the 100,001st key sweeps the ended windows
    expect(rate.hit("live")).toBe(30); // still in its window, budget spent: refused
    expect(rate.hit("old-0")).toBe(0); // its window had ended: a new one
  });
});
