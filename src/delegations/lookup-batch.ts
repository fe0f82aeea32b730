// A batch of point-in-time queries with integer ids, answered together by DelegationIndex.locateMany.

/** Queries per batch used by batch validation (large enough to overlap cache misses, small enough to stay hot). */
export const LOOKUP_BATCH_SIZE = 1024;

/**
 * Up to `capacity` queries (delegator, provider, scope, at — integer ids, already normalised) in parallel typed
 * arrays, with a caller's `tag` per query (e.g. the input line) and, after `DelegationIndex.locateMany`, the
 * answer in `found`: the pool position of the deciding interval, or −1. `providerCodes`/`scopeCodes` are
 * scratch space for the index (dictionary codes). No allocation per query: `push` until it says full, look
 * up, read, `clear`.
 * @example
 * const q = new LookupBatch();
 * q.push(1234, 7, 1, 150, 2);
 * index.locateMany(q);
 * q.found[0]; // ≥ 0: authorized by index.intervalFrom(q.found[0]) … index.intervalUntil(q.found[0])
 */
export class LookupBatch {
  readonly delegators: Float64Array;
  readonly providers: Float64Array;
  readonly scopes: Float64Array;
  readonly positions: Float64Array;
  /** The caller's label of each query (a line or row number), returned with its answer. */
  readonly tags: Float64Array;
  /** After `locateMany`: pool position of the deciding interval of each query, or −1 (unauthorized). */
  readonly found: Int32Array;
  readonly providerCodes: Int32Array;
  readonly scopeCodes: Int32Array;
  /** Number of queries pushed since the last `clear`. */
  size = 0;

  /** @throws {RangeError} when `capacity` is not an integer from 1 to 2^20. */
  constructor(readonly capacity = LOOKUP_BATCH_SIZE) {
    if (!Number.isInteger(capacity) || capacity < 1 || capacity > 1 << 20)
      throw new RangeError("capacity must be an integer from 1 to 2^20");
    this.delegators = new Float64Array(capacity);
    this.providers = new Float64Array(capacity);
    this.scopes = new Float64Array(capacity);
    this.positions = new Float64Array(capacity);
    this.tags = new Float64Array(capacity);
    this.found = new Int32Array(capacity);
    this.providerCodes = new Int32Array(capacity);
    this.scopeCodes = new Int32Array(capacity);
  }

  /** Adds one query to a batch that is not full; returns true when the batch is now full (look it up). */
  push(delegator: number, provider: number, scope: number, at: number, tag: number): boolean {
    const i = this.size++;
    this.delegators[i] = delegator;
    this.providers[i] = provider;
    this.scopes[i] = scope;
    this.positions[i] = at;
    this.tags[i] = tag;
    return this.size === this.capacity;
  }

  /** Forgets the queries (the arrays are reused). */
  clear(): void {
    this.size = 0;
  }
}
