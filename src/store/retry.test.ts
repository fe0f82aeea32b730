// The one transaction retry policy: what is retried, the bound, the jitter range, and errors rethrown at once.
import { describe, expect, it } from "vitest";
import { KeywardError } from "../errors/keyward-error.js";
import { backoffMs, isRetryable, type RetryPolicy, retryTransaction, TRANSACTION_RETRY } from "./retry.js";

const coded = (code: string) => Object.assign(new Error("backend error"), { code });
const lostRace = () => new KeywardError("conflict", "claimed concurrently", { retryable: true });

/** The default policy with recorded, instant waits. */
function recording(random = () => 0.5): { policy: RetryPolicy; waits: number[] } {
  const waits: number[] = [];
  return {
    waits,
    policy: {
      ...TRANSACTION_RETRY,
      random,
      sleep: async (ms) => {
        waits.push(ms);
      },
    },
  };
}

describe("isRetryable", () => {
  it("retries serialization failures, deadlocks, a busy SQLite and a domain's lost race", () => {
    for (const code of ["40001", "40P01", "SQLITE_BUSY", "SQLITE_BUSY_SNAPSHOT", "SQLITE_LOCKED"])
      expect(isRetryable(coded(code))).toBe(true);
    expect(isRetryable(lostRace())).toBe(true);
  });

  it("does not retry refusals, bugs or other database errors", () => {
    expect(isRetryable(new KeywardError("conflict", "room is at the maximum version"))).toBe(false);
    expect(isRetryable(new KeywardError("unavailable", "disk full"))).toBe(false);
    expect(isRetryable(new KeywardError("not_found", "x", { retryable: true }))).toBe(false);
    for (const code of ["23505", "SQLITE_FULL", "ECONNREFUSED", ""])
      expect(isRetryable(coded(code))).toBe(false);
    for (const v of [new TypeError("x"), null, undefined, "40001", 40001]) expect(isRetryable(v)).toBe(false);
  });
});

describe("retryTransaction", () => {
  it("redoes an attempt that lost a race and returns the first success", async () => {
    const { policy, waits } = recording();
    let calls = 0;
    const out = await retryTransaction(async () => {
      calls++;
      if (calls === 1) throw coded("40001");
      if (calls === 2) throw lostRace();
      return "done";
    }, policy);
    expect([out, calls, waits.length]).toEqual(["done", 3, 2]);
  });

  it("gives up after the bound with `unavailable` (503), waiting between attempts only", async () => {
    const { policy, waits } = recording();
    let calls = 0;
    const err = await retryTransaction(async () => {
      calls++;
      throw coded("40P01");
    }, policy).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(KeywardError);
    expect(err).toMatchObject({ code: "unavailable", httpStatus: 503 });
    expect((err as Error).message).toBe("the database is busy: the transaction gave up after retries");
    expect(calls).toBe(TRANSACTION_RETRY.attempts);
    expect(waits).toHaveLength(TRANSACTION_RETRY.attempts - 1);
  });

  it("rethrows a non-retryable error at once, unchanged", async () => {
    const { policy, waits } = recording();
    for (const thrown of [
      new KeywardError("forbidden", "no"),
      new KeywardError("conflict", "max"),
      coded("23505"),
    ]) {
      let calls = 0;
      const err = await retryTransaction(async () => {
        calls++;
        throw thrown;
      }, policy).catch((e: unknown) => e);
      expect(err).toBe(thrown);
      expect(calls).toBe(1);
    }
    expect(waits).toEqual([]);
  });

  it("waits a jittered time in [0, min(256, 2^attempt)) ms", async () => {
    for (const r of [0, 0.25, 0.999999]) {
      const { policy, waits } = recording(() => r);
      await retryTransaction(async () => {
        throw lostRace();
      }, policy).catch(() => undefined);
      waits.forEach((ms, i) => {
        const bound = Math.min(256, 2 ** (i + 1));
        expect(ms).toBeGreaterThanOrEqual(0);
        expect(ms).toBeLessThan(bound);
        expect(ms).toBeCloseTo(r * bound, 9);
      });
    }
    // The real generator stays in range too.
    for (let attempt = 1; attempt <= 40; attempt++) {
      const ms = backoffMs(attempt);
      expect(ms).toBeGreaterThanOrEqual(0);
      expect(ms).toBeLessThan(Math.min(256, 2 ** attempt));
    }
  });
});
