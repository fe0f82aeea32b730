// FixedWindows: counts per key and window, reads without counting, the seconds left, windows that end.
import { describe, expect, it } from "vitest";
import { FixedWindows } from "./fixed-windows.js";

describe("FixedWindows", () => {
  it("counts per key within a minute from the first event; reads do not count; an ended window starts over", () => {
    let now = 5_000;
    const w = new FixedWindows(() => now);
    expect(w.count("a")).toBe(0);
    expect(w.secondsLeft("a")).toBe(0);
    expect([w.add("a"), w.add("a"), w.add("b")]).toEqual([1, 2, 1]);
    expect([w.count("a"), w.count("a")]).toEqual([2, 2]);
    now += 20_250;
    expect(w.secondsLeft("a")).toBe(40); // 39.75 s left, rounded up
    expect(w.add("a")).toBe(3);
    now = 65_000; // a minute after the first event
    expect(w.count("a")).toBe(0);
    expect(w.add("b")).toBe(1);
    expect(w.add("a")).toBe(1);
  });
});
