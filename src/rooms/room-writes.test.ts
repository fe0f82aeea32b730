// The per-room write queue and the lost-race error (its retry policy is tested in store/retry.test.ts).
import { describe, expect, it } from "vitest";
import { KeywardError } from "../errors/keyward-error.js";
import { isRetryable } from "../store/retry.js";
import { KeyedQueue, lostRace } from "./room-writes.js";

describe("KeyedQueue", () => {
  it("runs one key's tasks one after another, other keys alongside, and survives a failing task", async () => {
    const q = new KeyedQueue();
    const log: string[] = [];
    const task =
      (name: string, ms: number, fail = false) =>
      async () => {
        log.push(`start ${name}`);
        await new Promise((r) => setTimeout(r, ms));
        log.push(`end ${name}`);
        if (fail) throw new Error(name);
        return name;
      };
    const results = await Promise.allSettled([
      q.run("a", task("a1", 20, true)),
      q.run("a", task("a2", 1)),
      q.run("b", task("b1", 5)),
    ]);
    expect(results.map((r) => r.status)).toEqual(["rejected", "fulfilled", "fulfilled"]);
    expect(log.indexOf("start a2")).toBeGreaterThan(log.indexOf("end a1"));
    expect(log.indexOf("start b1")).toBeLessThan(log.indexOf("end a1"));
  });
});

describe("lostRace", () => {
  it("is a retryable conflict for the one retry policy", () => {
    const err = lostRace();
    expect(err).toBeInstanceOf(KeywardError);
    expect(err.code).toBe("conflict");
    expect(isRetryable(err)).toBe(true);
  });
});
