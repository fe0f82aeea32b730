// The in-memory cache of unsealed partition MSKs: bounded, each entry dropped (and wiped) after a TTL.
import type { Secret } from "../crypto/secret.js";

/** Bound and lifetime of the cache (defaults: 64 MSKs, 5 minutes). */
export interface MskCacheOptions {
  readonly maxEntries?: number;
  readonly ttlMs?: number;
}

interface Entry {
  readonly secret: Secret;
  readonly expiresAt: number;
}

/**
 * Unsealed MSKs by name, kept only as `Secret` (DESIGN Invariant 3). An entry older than the TTL is wiped on
 * its next lookup; past the bound the oldest entry is wiped. Callers use a returned Secret synchronously
 * (no await in between), so an eviction can never wipe a key in the middle of a derivation.
 * @example const msk = cache.get(name) ?? cache.set(name, await unseal());
 */
export class MskCache {
  readonly #entries = new Map<string, Entry>();
  readonly #max: number;
  readonly #ttl: number;
  readonly #now: () => number;

  constructor(options: MskCacheOptions = {}, now: () => number = Date.now) {
    this.#max = options.maxEntries ?? 64;
    this.#ttl = options.ttlMs ?? 5 * 60_000;
    this.#now = now;
  }

  /** The cached MSK, or undefined when absent, wiped or expired (an expired one is wiped and dropped). */
  get(name: string): Secret | undefined {
    const e = this.#entries.get(name);
    if (!e) return undefined;
    if (e.secret.wiped || this.#now() >= e.expiresAt) {
      this.delete(name);
      return undefined;
    }
    return e.secret;
  }

  /** Caches `secret` (taking ownership: it is wiped on eviction) and returns it. */
  set(name: string, secret: Secret): Secret {
    this.delete(name);
    while (this.#entries.size >= this.#max) this.delete(this.#entries.keys().next().value as string);
    this.#entries.set(name, { secret, expiresAt: this.#now() + this.#ttl });
    return secret;
  }

  /** Wipes and drops one entry. */
  delete(name: string): void {
    this.#entries.get(name)?.secret.wipe();
    this.#entries.delete(name);
  }

  /** Wipes and drops every entry. */
  clear(): void {
    for (const name of [...this.#entries.keys()]) this.delete(name);
  }

  get size(): number {
    return this.#entries.size;
  }
}
