// Grant and revoke rules of the delegation index (docs/delegations.md), applied to its key table.
import { KeywardError } from "../errors/keyward-error.js";
import type { DelegationEvent } from "./events.js";
import type { IdDictionary } from "./id-dictionary.js";
import type { DelegationId } from "./ids.js";
import { type KeyTable, NO_KEY } from "./key-table.js";

/** The storage of a delegation index: its key table and the dictionaries that code its ids. */
export interface IndexTables {
  readonly t: KeyTable;
  readonly delegators: IdDictionary;
  readonly providers: IdDictionary;
  readonly scopes: IdDictionary;
}

/**
 * The key-table code of a delegator: an integer id is its own code, a string id is −1 − its dictionary code
 * (interned when `create`), NaN for a string never interned.
 */
export function delegatorCode(delegators: IdDictionary, id: DelegationId, create: boolean): number {
  if (typeof id === "number") return id;
  const n = create ? delegators.intern(id) : delegators.find(id);
  return n < 0 ? Number.NaN : -1 - n;
}

/** Row of the newest key of a (delegator, provider) pair (its chain continues with `next`), or −1. */
export function pairHead(x: IndexTables, delegator: DelegationId, provider: DelegationId): number {
  const d = delegatorCode(x.delegators, delegator, false);
  const p = x.providers.find(provider);
  if (p < 0 || Number.isNaN(d)) return -1;
  const slot = x.t.findPairSlot(d, p);
  return slot < 0 ? -1 : x.t.pSlots[slot]! - 1;
}

/** Key rows of a grant's scopes (applyEvent is synchronous and never re-entered). */
const scratch: number[] = [];

function conflict(e: DelegationEvent, scope: DelegationId, last: number): KeywardError {
  return new KeywardError(
    "conflict",
    `${e.op} at ${e.at} is earlier than the last event (at ${last}) for delegator ${e.delegator}, provider ${e.provider}, scope ${scope}`,
  );
}

/**
 * Applies one validated event to the tables; all scopes or none (every check runs before the first change).
 * @throws KeywardError `conflict` (earlier than a key's last event) or `not_found` (revoke of a scope or
 *   delegation never granted).
 */
export function applyEvent(x: IndexTables, e: DelegationEvent): void {
  const t = x.t;
  if (e.op === "grant") {
    const d = delegatorCode(x.delegators, e.delegator, true);
    const p = x.providers.intern(e.provider);
    const scopes = e.scopes;
    // Plain loops over a reused scratch array: this runs once per event of an import's dry run.
    const keys = scratch;
    keys.length = scopes.length;
    for (let i = 0; i < scopes.length; i++) keys[i] = t.findKey(d, p, x.scopes.intern(scopes[i]!));
    for (let i = 0; i < keys.length; i++) {
      const k = keys[i]!;
      if (k >= 0 && e.at < t.last(k)) throw conflict(e, scopes[i]!, t.last(k));
    }
    const until = e.expiresAt ?? Infinity;
    for (let i = 0; i < keys.length; i++) {
      const found = keys[i]!;
      const k = found >= 0 ? found : t.createKey(d, p, x.scopes.find(scopes[i]!));
      const n = t.count(k);
      const lastUntilIndex = t.start(k) + n - 1;
      // Open at `at` (not yet revoked or expired): a renewal keeps the interval and takes the new expiry.
      if (n > 0 && e.at < t.until(lastUntilIndex)) t.setLastUntil(k, until);
      else t.pushInterval(k, e.at, until);
      t.setLastAt(k, e.at);
    }
    return;
  }
  const d = delegatorCode(x.delegators, e.delegator, false);
  const p = x.providers.find(e.provider);
  let keys: number[];
  if (e.scopes === undefined) {
    keys = [];
    for (let k = pairHead(x, e.delegator, e.provider); k >= 0 && k !== NO_KEY; k = t.next(k)) keys.push(k);
    if (keys.length === 0)
      throw new KeywardError("not_found", "no delegation from this delegator to this provider to revoke");
  } else {
    keys = e.scopes.map((s) => (p < 0 || Number.isNaN(d) ? -1 : t.findKey(d, p, x.scopes.find(s))));
    const missing = keys.indexOf(-1);
    if (missing >= 0)
      throw new KeywardError(
        "not_found",
        `scope ${e.scopes[missing]} was never granted by ${e.delegator} to ${e.provider}`,
      );
  }
  for (const k of keys) if (e.at < t.last(k)) throw conflict(e, x.scopes.value(t.s(k)), t.last(k));
  for (const k of keys) {
    const last = t.start(k) + t.count(k) - 1;
    if (e.at < t.until(last)) t.setLastUntil(k, e.at);
    t.setLastAt(k, e.at);
  }
}
