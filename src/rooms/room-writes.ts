// Serialized writes to one room: a per-instance queue per room id, and the error of a write that lost its room
// to another instance (the sequence claim in repository.ts detects it; store/retry.ts redoes the write).
import { KeywardError } from "../errors/keyward-error.js";

/**
 * The error a write throws when its sequence claim failed (its transaction returned without writing): a lost
 * race, so `retryTransaction` (store/retry.ts) redoes the write from its reads.
 */
export function lostRace(): KeywardError {
  return new KeywardError("conflict", "the room changed concurrently; retry", { retryable: true });
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
