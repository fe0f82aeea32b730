// The in-memory delegation index: applies grant/revoke events and answers exact point-in-time checks.
import { KeywardError } from "../errors/keyward-error.js";
import { applyEvent, delegatorCode, type IndexTables, pairHead } from "./apply-event.js";
import { type DelegationEvent, parseEvent } from "./events.js";
import { findMany } from "./find-many.js";
import { IdDictionary } from "./id-dictionary.js";
import { assertPosition, type DelegationId, normalizeId } from "./ids.js";
import type { CheckResult, DelegationInterval, IndexStats, KeyHistory } from "./index-types.js";
import { KeyTable, NO_KEY } from "./key-table.js";
import type { LookupBatch } from "./lookup-batch.js";

export type { CheckResult, DelegationInterval, IndexStats, KeyHistory } from "./index-types.js";

/**
 * Full-history delegation index in typed arrays (≈ 40 bytes per interval, no object per key). Rules
 * (docs/delegations.md): validity is `[grant, revoke)`; an expiry closes at `expiresAt`; a grant of a scope
 * that is open at `at` renews it (same interval, new expiry); a grant otherwise opens a new interval; a revoke
 * of a granted scope that is not open is accepted and changes nothing but the ordering position; a revoke of
 * a never-granted scope (or delegation) is `not_found`; an event earlier than a key's last one is `conflict`.
 * @example
 * const index = new DelegationIndex();
 * index.apply(parseEvent({ op: "grant", delegator: 1234, provider: "A", scopes: [1], at: 100 }));
 * index.check(1234, "A", 1, 99); // { authorized: false, interval: null }
 */
export class DelegationIndex {
  #t = new KeyTable();
  #delegators = new IdDictionary();
  #providers = new IdDictionary();
  #scopes = new IdDictionary();
  #lastSeq = 0;

  /** Sequence number of the last logged event applied (0 = none). */
  get lastSeq(): number {
    return this.#lastSeq;
  }

  /** Sizes and memory of the index. */
  stats(): IndexStats {
    const t = this.#t;
    return { keys: t.keys, pairs: t.pairs, intervals: t.intervals, bytes: t.bytes(), lastSeq: this.#lastSeq };
  }

  /**
   * Exact point-in-time check.
   * @throws {TypeError|RangeError} for a malformed id or position.
   */
  check(delegator: DelegationId, provider: DelegationId, scope: DelegationId, at: number): CheckResult {
    assertPosition(at, "at");
    const k = this.#findKey(
      normalizeId(delegator, "delegator"),
      normalizeId(provider, "provider"),
      normalizeId(scope, "scope"),
    );
    const i = k < 0 ? -1 : this.#decide(k, at);
    if (i < 0) return { authorized: false, interval: null };
    const until = this.#t.until(i);
    return {
      authorized: true,
      interval: { from: this.#t.from(i), until: until === Infinity ? null : until },
    };
  }

  /** Allocation-free check for hot loops (ids must already be normalised; `at` a safe integer). */
  isAuthorized(delegator: DelegationId, provider: DelegationId, scope: DelegationId, at: number): boolean {
    const k = this.#findKey(delegator, provider, scope);
    return k >= 0 && this.#decide(k, at) >= 0;
  }

  /**
   * Allocation-free lookup for batch work: the pool position of the interval containing `at`, or −1. Ids must
   * already be normalised; read the interval with `intervalAt`.
   */
  locate(delegator: DelegationId, provider: DelegationId, scope: DelegationId, at: number): number {
    const k = this.#findKey(delegator, provider, scope);
    return k < 0 ? -1 : this.#decide(k, at);
  }

  /**
   * Batched `locate` for the `batch.size` queries of `batch` (integer ids, already normalised): fills
   * `batch.found` with the pool position of each deciding interval or −1. Faster than one `locate` per query on
   * a large index (the key lookups' cache misses overlap).
   */
  locateMany(batch: LookupBatch): void {
    const n = batch.size;
    const { providers, scopes, positions, found, providerCodes, scopeCodes } = batch;
    for (let i = 0; i < n; i++) {
      providerCodes[i] = this.#providers.find(providers[i]!);
      scopeCodes[i] = this.#scopes.find(scopes[i]!);
    }
    findMany(this.#t, batch);
    for (let i = 0; i < n; i++) {
      const k = found[i]!;
      if (k >= 0) found[i] = this.#decide(k, positions[i]!);
    }
  }

  /** `from` of the interval at pool position `i` (from `locate`). */
  intervalFrom(i: number): number {
    return this.#t.from(i);
  }

  /** `until` of the interval at pool position `i` (null = open). */
  intervalUntil(i: number): number | null {
    const u = this.#t.until(i);
    return u === Infinity ? null : u;
  }

  /** The history of one key, or of every scope of the delegation when `scope` is omitted (newest key first). */
  history(delegator: DelegationId, provider: DelegationId, scope?: DelegationId): KeyHistory[] {
    const d = normalizeId(delegator, "delegator");
    const p = normalizeId(provider, "provider");
    if (scope !== undefined) {
      const k = this.#findKey(d, p, normalizeId(scope, "scope"));
      return k < 0 ? [] : [this.keyHistory(k)];
    }
    const out: KeyHistory[] = [];
    for (let k = pairHead(this.#tables(), d, p); k !== NO_KEY && k >= 0; k = this.#t.next(k))
      out.push(this.keyHistory(k));
    return out;
  }

  /** Row of a key (for `keyHistory`), or −1 when the key has no history. */
  keyRow(delegator: DelegationId, provider: DelegationId, scope: DelegationId): number {
    return this.#findKey(
      normalizeId(delegator, "delegator"),
      normalizeId(provider, "provider"),
      normalizeId(scope, "scope"),
    );
  }

  /** Number of keys (for iteration with `keyHistory`). */
  get keyCount(): number {
    return this.#t.keys;
  }

  /** The ids of the key in row `k` (0 ≤ k < keyCount): [delegator, provider, scope]. */
  keyIds(k: number): [DelegationId, DelegationId, DelegationId] {
    const t = this.#t;
    const dc = t.d(k);
    return [
      dc >= 0 ? dc : this.#delegators.value(-dc - 1),
      this.#providers.value(t.p(k)),
      this.#scopes.value(t.s(k)),
    ];
  }

  /** The history of the key in row `k` (0 ≤ k < keyCount). */
  keyHistory(k: number): KeyHistory {
    const t = this.#t;
    const intervals: DelegationInterval[] = [];
    const s = t.start(k);
    for (let i = s; i < s + t.count(k); i++) {
      const until = t.until(i);
      intervals.push({ from: t.from(i), until: until === Infinity ? null : until });
    }
    const [delegator, provider, scope] = this.keyIds(k);
    return {
      delegator,
      provider,
      scope,
      intervals,
      lastEventAt: t.last(k),
    };
  }

  /**
   * Validates (parseEvent) and applies one event; all scopes or none.
   * @throws {TypeError|RangeError} for a malformed event.
   * @throws KeywardError `conflict` (earlier than a key's last event) or `not_found` (revoke of a scope or
   *   delegation never granted).
   */
  apply(event: DelegationEvent): void {
    this.#apply(parseEvent(event));
  }

  #apply(e: DelegationEvent): void {
    applyEvent(this.#tables(), e);
  }

  /** The index's tables as one view, for the event rules and pair lookups of apply-event.ts. */
  #tables(): IndexTables {
    return { t: this.#t, delegators: this.#delegators, providers: this.#providers, scopes: this.#scopes };
  }

  /**
   * Applies the logged event number `seq` (already validated by the log's decoder). Already-applied sequence numbers are skipped (returns false), so a
   * sync that overlaps a local write is harmless.
   * @throws KeywardError `internal` on a gap (the log is gap-free by construction).
   */
  applyLogged(seq: number, e: DelegationEvent): boolean {
    assertPosition(seq, "seq");
    if (seq <= this.#lastSeq) return false;
    if (seq !== this.#lastSeq + 1)
      throw new KeywardError("internal", `delegation log gap: expected ${this.#lastSeq + 1}, got ${seq}`);
    this.#apply(e);
    this.#lastSeq = seq;
    return true;
  }

  /**
   * Runs `fn` against the index and then undoes every change it made, synchronously, so no reader ever sees
   * the simulated state. Used to validate a batch before it is written.
   */
  simulate<T>(fn: (index: DelegationIndex) => T): T {
    this.#t.beginUndo();
    try {
      const out = fn(this);
      if (out instanceof Promise) throw new TypeError("simulate() needs a synchronous function");
      return out;
    } finally {
      this.#t.rollback();
    }
  }

  /**
   * Makes room for about `keys` more keys of `pairs` more pairs (a bulk import's dry run), and rows for up to
   * `rows` more keys: the tables then grow without copying or rehashing along the way. Memory only.
   */
  reserve(keys: number, pairs: number, rows = keys): void {
    const t = this.#t;
    t.reserve(t.keys + rows, t.keys + keys, t.pairs + pairs);
  }

  /** Reclaims pool garbage and trims arrays (done after a rebuild). */
  compact(): void {
    this.#t.compact();
  }

  /** The index's key table and id dictionaries, for index-snapshot.ts to encode: read them, never change them. */
  snapshotTables(): IndexTables {
    return this.#tables();
  }

  /** An index over tables that index-snapshot.ts decoded and validated, at log position `lastSeq`. */
  static fromSnapshotTables(x: IndexTables, lastSeq: number): DelegationIndex {
    assertPosition(lastSeq, "lastSeq");
    const index = new DelegationIndex();
    index.#t = x.t;
    index.#delegators = x.delegators;
    index.#providers = x.providers;
    index.#scopes = x.scopes;
    index.#lastSeq = lastSeq;
    return index;
  }

  /**
   * Takes over `other`'s state (an import's dry-run copy, once its events are committed), so holders of this
   * index see it at once; `other` must not be used afterwards.
   * @throws KeywardError `internal` when `other` is behind this index.
   */
  adopt(other: DelegationIndex): void {
    if (other.#lastSeq < this.#lastSeq)
      throw new KeywardError("internal", "cannot adopt an index that is behind this one");
    this.#t = other.#t;
    this.#delegators = other.#delegators;
    this.#providers = other.#providers;
    this.#scopes = other.#scopes;
    this.#lastSeq = other.#lastSeq;
  }

  /** An independent deep copy (to dry-run a whole import). */
  clone(): DelegationIndex {
    const c = new DelegationIndex();
    c.#t = this.#t.clone();
    c.#delegators = this.#delegators.clone();
    c.#providers = this.#providers.clone();
    c.#scopes = this.#scopes.clone();
    c.#lastSeq = this.#lastSeq;
    return c;
  }

  #findKey(delegator: DelegationId, provider: DelegationId, scope: DelegationId): number {
    const d = typeof delegator === "number" ? delegator : delegatorCode(this.#delegators, delegator, false);
    const p = this.#providers.find(provider);
    const s = this.#scopes.find(scope);
    if (p < 0 || s < 0 || Number.isNaN(d)) return -1;
    return this.#t.findKey(d, p, s);
  }

  /** Pool index of the interval containing `at`, or −1. */
  #decide(k: number, at: number): number {
    const t = this.#t;
    const iv = t.iv;
    const start = t.start(k);
    let lo = 0;
    let hi = t.count(k);
    // Last interval with from ≤ at (intervals are ordered by from; equal froms keep arrival order).
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (iv[2 * (start + mid)]! <= at) lo = mid + 1;
      else hi = mid;
    }
    if (lo === 0) return -1;
    const i = start + lo - 1;
    return at < iv[2 * i + 1]! ? i : -1;
  }
}
