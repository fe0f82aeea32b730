// Serialized writes to one room: a per-instance queue per room id and retries of writes that lost their
// room to another instance (the sequence claim in repository.ts detects it).
import { KeywardError } from "../errors/keyward-error.js";

// Lost races are retried with jittered backoff (≤ 256 ms each): 8 tries ran out with several PostgreSQL
// instances adding, removing and rotating at once under load; 24 bound the wait at a few seconds.
/** How often a write is redone after losing its room to a concurrent write before `conflict` surfaces. */
const MAX_ATTEMPTS = 24;

/** The error a write throws from its transaction when its sequence claim failed (rolled back, redone). */
export function lostRace(): KeywardError {
  return new KeywardError("conflict", "the room changed concurrently; retry", { retryable: true });
}

/** Waits a random 0–2^attempt ms so racing instances do not retry in lockstep. */
function backoff(attempt: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, Math.random() * 2 ** Math.min(attempt, 8)));
}

/** A lost race (ours, or a store's retryable conflict); a refusal such as the maximum version is not one. */
function isLostRace(err: unknown): boolean {
  return err instanceof KeywardError && err.code === "conflict" && err.details?.retryable === true;
}

/**
 * Runs `write` (which must reload what it builds on every call) until it does not lose a race.
 * @throws KeywardError `conflict` (retryable) after MAX_ATTEMPTS lost races; any other error at once,
 *   including a non-retryable `conflict` the write itself decided.
 */
export async function retryLostRaces<T>(write: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await write();
    } catch (err) {
      if (!(isLostRace(err) && attempt < MAX_ATTEMPTS)) throw err;
      await backoff(attempt);
    }
  }
}

/** One queue per key: a task starts after the earlier tasks of its key settled (whatever their outcome). */
export class KeyedQueue {
  readonly #tails = new Map<string, Promise<unknown>>();

  /** Runs `fn` after the earlier tasks of `key`. */
  run<T>(key: string, fn: () => Promise<T>): Promise<T> {
    const run = (this.#tails.get(key) ?? Promise.resolve()).then(fn, fn);
    const tail = run.then(
      () => undefined,
      () => undefined,
    );
    this.#tails.set(key, tail);
    // Drop the entry once idle so the map does not grow with every key ever used.
    void tail.then(() => {
      if (this.#tails.get(key) === tail) this.#tails.delete(key);
    });
    return run;
  }
}
