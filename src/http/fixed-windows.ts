// Fixed one-minute windows counting events per key in bounded memory: the one counter behind every HTTP limit.

const WINDOW_MS = 60_000;
// Past this many live keys, windows that ended are swept; a flood of distinct keys inside one minute is cleared
// wholesale (memory stays bounded; at worst a client regains its budget early).
const MAX_KEYS = 100_000;

interface Window {
  start: number;
  count: number;
}

/**
 * Events per key in fixed one-minute windows (a key's window starts at its first event and ends a minute later).
 * Used by the request rate (requests per token) and the auth and unseal throttles (failures per address).
 * @example const w = new FixedWindows(); if (w.add(ip) > budget) refuse(w.secondsLeft(ip));
 */
export class FixedWindows {
  readonly #windows = new Map<string, Window>();

  constructor(private readonly now: () => number = Date.now) {}

  /** Counts one event of `key` (in a new window when its last one ended); returns the count in its window. */
  add(key: string): number {
    const t = this.now();
    let w = this.#windows.get(key);
    if (w === undefined || t - w.start >= WINDOW_MS) {
      if (w === undefined && this.#windows.size >= MAX_KEYS) this.#sweep(t);
      w = { start: t, count: 0 };
      this.#windows.set(key, w);
    }
    return ++w.count;
  }

  /** The events counted in `key`'s current window (0 when it has none, or it ended). */
  count(key: string): number {
    const w = this.#windows.get(key);
    if (w === undefined) return 0;
    if (this.now() - w.start >= WINDOW_MS) {
      this.#windows.delete(key);
      return 0;
    }
    return w.count;
  }

  /** Whole seconds until `key`'s window ends, at least 1 (for Retry-After); 0 when it has no window. */
  secondsLeft(key: string): number {
    const w = this.#windows.get(key);
    return w === undefined ? 0 : Math.max(1, Math.ceil((w.start + WINDOW_MS - this.now()) / 1000));
  }

  #sweep(t: number): void {
    for (const [k, w] of this.#windows) if (t - w.start >= WINDOW_MS) this.#windows.delete(k);
    if (this.#windows.size >= MAX_KEYS) this.#windows.clear();
  }
}
