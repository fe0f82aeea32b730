// One retry policy for every transaction: which errors mean "run it again", jittered backoff, and a bound.
import { KeywardError } from "../errors/keyward-error.js";

/** How a transaction is retried. */
export interface RetryPolicy {
  /** Attempts in all, the first included (≥ 1). */
  readonly attempts: number;
  /** Upper bound of the wait after the first failed attempt, doubled per attempt up to `capMs`. */
  readonly baseMs: number;
  readonly capMs: number;
  /** Uniform in [0, 1) (tests inject it). */
  readonly random?: () => number;
  /** Waits `ms` (tests inject it). */
  readonly sleep?: (ms: number) => Promise<void>;
}

/**
 * The one policy: 32 attempts, full jitter over 0–2^attempt ms capped at 256 ms, so a transaction gives up after
 * about 3 s of lost races on average (then `unavailable`, which HTTP answers 503 with Retry-After).
 */
export const TRANSACTION_RETRY: RetryPolicy = { attempts: 32, baseMs: 1, capMs: 256 };

// PostgreSQL serialization_failure and deadlock_detected; SQLite's busy/locked (another process held the
// write lock past the busy timeout): the transaction did nothing and can simply run again.
const RETRYABLE_CODES = new Set(["40001", "40P01", "SQLITE_BUSY", "SQLITE_BUSY_SNAPSHOT", "SQLITE_LOCKED"]);

/**
 * The one retryable-error check: a backend's serialization failure, deadlock or busy database, or a domain's
 * lost race (`KeywardError` `conflict` with `details.retryable`, e.g. a create-only claim another writer won).
 * A `conflict` the operation itself decided (no `retryable`) is a refusal, not a lost race.
 */
export function isRetryable(err: unknown): boolean {
  if (err instanceof KeywardError) return err.code === "conflict" && err.details?.retryable === true;
  if (typeof err !== "object" || err === null) return false;
  const code = (err as { code?: unknown }).code;
  return typeof code === "string" && RETRYABLE_CODES.has(code);
}

/** The wait after failed attempt `attempt` (1-based): uniform in [0, min(cap, base·2^attempt)). */
export function backoffMs(attempt: number, policy: RetryPolicy = TRANSACTION_RETRY): number {
  const bound = Math.min(policy.capMs, policy.baseMs * 2 ** attempt);
  return (policy.random ?? Math.random)() * bound;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Runs `attempt` until it succeeds, throws a non-retryable error (rethrown at once, unchanged), or the policy's
 * attempts are spent. `attempt` must start from scratch each time (one whole transaction, or reads plus the
 * transaction that builds on them) and have no effects outside the stores.
 * @throws KeywardError `unavailable` ("the database is busy") once the attempts are spent.
 * @example const n = await retryTransaction(() => raw.transaction(fn));
 */
export async function retryTransaction<T>(
  attempt: () => Promise<T>,
  policy: RetryPolicy = TRANSACTION_RETRY,
): Promise<T> {
  for (let n = 1; ; n++) {
    try {
      return await attempt();
    } catch (err) {
      if (!isRetryable(err)) throw err;
      if (n >= policy.attempts)
        throw new KeywardError("unavailable", "the database is busy: the transaction gave up after retries");
    }
    await (policy.sleep ?? sleep)(backoffMs(n, policy));
  }
}
