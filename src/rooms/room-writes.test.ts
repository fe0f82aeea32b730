// The per-room write queue and the retry of writes that lost a race.
import { describe, expect, it } from "vitest";
import { KeywardError } from "../errors/keyward-error.js";
import { KeyedQueue, lostRace, retryLostRaces } from "./room-writes.js";

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

describe("retryLostRaces", () => {
  it("redoes a write that lost a race and returns its result", async () => {
    let calls = 0;
    const out = await retryLostRaces(async () => {
      calls++;
      if (calls < 3) throw lostRace();
      return "done";
    });
    expect([out, calls]).toEqual(["done", 3]);
  });

  it("gives up with a retryable conflict after 24 attempts and never retries other errors", async () => {
    let calls = 0;
    const err = await retryLostRaces(async () => {
      calls++;
      throw lostRace();
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(KeywardError);
    expect(err).toMatchObject({ code: "conflict" });
    expect(calls).toBe(24);
    calls = 0;
    await expect(
      retryLostRaces(async () => {
        calls++;
        throw new KeywardError("forbidden", "no");
      }),
    ).rejects.toMatchObject({ code: "forbidden" });
    expect(calls).toBe(1);
    // A conflict the write itself decided (e.g. the maximum version) is a refusal, not a lost race.
    calls = 0;
    await expect(
      retryLostRaces(async () => {
        calls++;
        throw new KeywardError("conflict", "room is at the maximum version");
      }),
    ).rejects.toMatchObject({ code: "conflict" });
    expect(calls).toBe(1);
  });
});
