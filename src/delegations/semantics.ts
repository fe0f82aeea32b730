// Two readings of one history: keyward's half-open `[granted, revoked)` and Frequency's inclusive rule (a
// delegation or permission revoked at block X is still valid at X), plus each provider's default reading.
import { InputRangeError } from "../errors/input-errors.js";
import type { StateReader, StateWriter } from "../store/ports.js";
import { RecordTable } from "../store/records.js";
import { delegatorCode, type IndexTables, pairHead } from "./apply-event.js";
import type { DelegationIndex } from "./delegation-index.js";
import type { DelegationId } from "./ids.js";
import { type KeyTable, NO_KEY } from "./key-table.js";

/**
 * How a stored interval `{from, until}` answers at position N:
 * - `keyward`: `from ≤ N < until` (revoked at X → not valid at X);
 * - `frequency`: `from ≤ N ≤ until` — pallet-msa `ensure_valid_delegation` (`revoked_at >= requested_block`) and
 *   `ensure_valid_grant` (`block_number <= permission_revoked_at`); an interval granted and revoked in one
 *   block (`from = until = X`) is valid at X.
 */
export type Semantics = "keyward" | "frequency";

/** Parses a `--semantics` value. @throws {RangeError} naming `name`. */
export function parseSemantics(value: unknown, name: string): Semantics {
  if (value === "keyward" || value === "frequency") return value;
  throw new InputRangeError(`${name} must be keyward or frequency`);
}

/** Per-provider default reading: providers whose history was imported from Frequency answer inclusively. */
const semanticsRecords = new RecordTable<{ readonly semantics: Semantics }>("delegations.semantics");

/** Records `semantics` as the default reading of each provider (idempotent). */
export async function setProviderSemantics(
  state: StateWriter,
  providers: Iterable<DelegationId>,
  semantics: Semantics,
): Promise<void> {
  for (const p of providers) await semanticsRecords.put(state, String(p), { semantics });
}

/** The default reading of `provider`'s delegations: `frequency` when imported with `--format frequency`. */
export async function providerSemantics(state: StateReader, provider: DelegationId): Promise<Semantics> {
  return (await semanticsRecords.get(state, String(provider)))?.semantics ?? "keyward";
}

/** Pool position of the interval of key row `k` that contains `at` under `inclusive`, or −1. */
function decide(t: KeyTable, k: number, at: number, inclusive: boolean): number {
  const start = t.start(k);
  let lo = 0;
  let hi = t.count(k);
  // The last interval with from ≤ at is the only candidate: intervals of a key are disjoint and ordered, and an
  // earlier one can only end at `at` when this one starts there (and then this one contains `at` too).
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (t.from(start + mid) <= at) lo = mid + 1;
    else hi = mid;
  }
  if (lo === 0) return -1;
  const i = start + lo - 1;
  const until = t.until(i);
  return at < until || (inclusive && at === until) ? i : -1;
}

/**
 * Point-in-time lookups under one reading. With no scope, the answer is any scope of the pair (the first
 * interval found that contains `at`). Ids must already be normalised.
 * @example
 * const q = new SemanticLookup(index, "frequency");
 * const i = q.locate(1234, 1, 5, 400); // ≥ 0: authorized by index.intervalFrom(i) … index.intervalUntil(i)
 */
export class SemanticLookup {
  readonly #index: DelegationIndex;
  readonly #inclusive: boolean;

  constructor(
    index: DelegationIndex,
    readonly semantics: Semantics,
  ) {
    this.#index = index;
    this.#inclusive = semantics === "frequency";
  }

  /** Pool position of the deciding interval, or −1 (read it with `index.intervalFrom/intervalUntil`). */
  locate(
    delegator: DelegationId,
    provider: DelegationId,
    scope: DelegationId | undefined,
    at: number,
  ): number {
    if (!this.#inclusive && scope !== undefined) return this.#index.locate(delegator, provider, scope, at);
    const x: IndexTables = this.#index.snapshotTables();
    if (scope !== undefined) {
      const d = delegatorCode(x.delegators, delegator, false);
      const p = x.providers.find(provider);
      const s = x.scopes.find(scope);
      if (p < 0 || s < 0 || Number.isNaN(d)) return -1;
      const k = x.t.findKey(d, p, s);
      return k < 0 ? -1 : decide(x.t, k, at, this.#inclusive);
    }
    for (let k = pairHead(x, delegator, provider); k >= 0 && k !== NO_KEY; k = x.t.next(k)) {
      const i = decide(x.t, k, at, this.#inclusive);
      if (i >= 0) return i;
    }
    return -1;
  }

  /**
   * A lookup for one (provider, scope) with integer delegators — its dictionary codes resolved once. Valid until
   * the index changes (use it within one synchronous batch).
   */
  prepare(provider: DelegationId, scope: DelegationId): (delegator: number, at: number) => number {
    const x: IndexTables = this.#index.snapshotTables();
    const p = x.providers.find(provider);
    const s = x.scopes.find(scope);
    if (p < 0 || s < 0) return () => -1;
    const t = x.t;
    const inclusive = this.#inclusive;
    return (d, at) => {
      const k = t.findKey(d, p, s);
      return k < 0 ? -1 : decide(t, k, at, inclusive);
    };
  }

  /**
   * `{authorized, interval, semantics}` as `check` answers, under this reading: the interval is
   * `{from, until}` (half-open) for keyward and `{from, revokedAt}` (valid through revokedAt) for frequency.
   */
  check(delegator: DelegationId, provider: DelegationId, scope: DelegationId | undefined, at: number) {
    const i = this.locate(delegator, provider, scope, at);
    if (i < 0) return { authorized: false, interval: null, semantics: this.semantics };
    const from = this.#index.intervalFrom(i);
    const end = this.#index.intervalUntil(i);
    return {
      authorized: true,
      interval: this.#inclusive ? { from, revokedAt: end } : { from, until: end },
      semantics: this.semantics,
    };
  }
}
