// Frequency's delegation history from one archive sync: consecutive `Delegation` storage values of each
// (delegator, provider), read at the blocks of its msa events, become keyward grant/revoke events.
//
// An archive node answers "valid at block B?" with the pallet's rules on the value stored at B (pallets/msa
// `ensure_valid_delegation`: revoked_at = 0 or revoked_at ≥ B; `ensure_valid_grant`: permission 0 or B ≤ its
// revoked_at). Revocations are always written as the current block, so for the value read at block b an intent is
// - open (valid from b until the next change) when its effective revoke — the smaller non-zero of the
//   delegation's and the permission's revoked_at — is 0;
// - valid at b only, when that effective revoke is b (revoked in this block: Frequency's inclusive rule);
// - not valid, when it is earlier than b.
// Stored as raw positions (grant at b, revoke at X), which the `frequency` reading answers inclusively.

import { InputRangeError } from "../errors/input-errors.js";
import type { DelegationValue, MsaRecord } from "../interop/frequency/msa-records.js";
import { DelegationIndex } from "./delegation-index.js";
import type { DelegationEvent } from "./events.js";

/** Status of one intent in the value read at block b. */
const OPEN = 0;
const AT_BLOCK = 1;
const CLOSED = 2;

function status(
  v: DelegationValue | null,
  permission: number | undefined,
  block: number,
  what: string,
): number {
  if (v === null || permission === undefined) return CLOSED;
  const d = v.revokedAt;
  const eff = d === 0 ? permission : permission === 0 ? d : Math.min(d, permission);
  if (eff > block)
    throw new InputRangeError(`${what}: revoked at block ${eff}, after the block it was read at`);
  return eff === 0 ? OPEN : eff === block ? AT_BLOCK : CLOSED;
}

/** Totals of a derivation. */
export interface FrequencyDerivation {
  records: number;
  /** msa events that change no delegation (MsaCreated, ProviderCreated, key events, …). */
  ignored: number;
  retired: number;
  events: number;
  readonly providers: Set<number>;
}

/**
 * Turns msa records, in block order, into keyward events (their own state: independent of any store, so the
 * same dump always derives the same events). Re-grants (the #2510 case), whole-delegation revokes, permissions
 * revoked by a re-grant that leaves them out, and several events in one block are all exact.
 * @example
 * const h = new FrequencyHistory();
 * h.feed({ kind: "delegation", block: 100, method: "DelegationGranted", delegator: 1234, provider: 1,
 *   delegation: { revokedAt: 0, permissions: [[5, 0]] } }); // [{ op: "grant", …, scopes: [5], at: 100 }]
 */
export class FrequencyHistory {
  readonly #index = new DelegationIndex();
  readonly #retired = new Set<number>();
  #block = 0;
  readonly totals: FrequencyDerivation = {
    records: 0,
    ignored: 0,
    retired: 0,
    events: 0,
    providers: new Set(),
  };

  /**
   * The keyward events that one record implies (possibly none).
   * @throws {RangeError} for a record out of block order, naming a retired MSA, revoked after its block, or
   *   contradicting the earlier records (an intent open before, revoked before this block now: a missing event).
   */
  feed(r: MsaRecord): DelegationEvent[] {
    if (r.block < this.#block)
      throw new InputRangeError(
        `block ${r.block} comes after block ${this.#block}: the dump must be in block order`,
      );
    this.#block = r.block;
    this.totals.records++;
    if (r.kind === "other") {
      this.totals.ignored++;
      return [];
    }
    if (r.kind === "retired") {
      // ensure_msa_can_retire refuses an MSA with a delegation in force, so retiring closes nothing; the id is
      // never reused, so a later delegation naming it means the dump is wrong.
      this.#retired.add(r.msaId);
      this.totals.retired++;
      return [];
    }
    const { block: b, delegator, provider, delegation: v } = r;
    for (const id of [delegator, provider])
      if (this.#retired.has(id)) throw new InputRangeError(`MSA ${id} was retired earlier in the dump`);
    if (r.method === "DelegationRevoked" && v === null)
      throw new InputRangeError("DelegationRevoked with no stored delegation");
    this.totals.providers.add(provider);
    const open = new Set<number>();
    const known = new Map<number, number>(); // intent → end of its last interval (Infinity = open)
    for (const h of this.#index.history(delegator, provider)) {
      const last = h.intervals[h.intervals.length - 1];
      const until = last?.until ?? Number.POSITIVE_INFINITY;
      known.set(h.scope as number, until);
      if (until === Number.POSITIVE_INFINITY) open.add(h.scope as number);
    }
    const perms = new Map(v?.permissions ?? []);
    const grant: number[] = [];
    const revokeNow: number[] = [];
    const intents = [...new Set([...perms.keys(), ...open])].sort((x, y) => x - y);
    for (const i of intents) {
      const what = `intent ${i} of delegator ${delegator} to provider ${provider}`;
      const s = status(v, perms.get(i), b, what);
      if (open.has(i)) {
        if (s === AT_BLOCK) revokeNow.push(i);
        else if (s === CLOSED)
          throw new InputRangeError(
            `${what} was in force and is now revoked before block ${b}: an event is missing`,
          );
      } else if (s === OPEN) grant.push(i);
      else if (s === AT_BLOCK && known.get(i) !== b) {
        // Granted and revoked within block b (valid at b only) — unless already recorded as ending at b.
        grant.push(i);
        revokeNow.push(i);
      }
    }
    const out: DelegationEvent[] = [];
    if (grant.length) out.push({ op: "grant", delegator, provider, scopes: grant, at: b });
    if (revokeNow.length) out.push({ op: "revoke", delegator, provider, scopes: revokeNow, at: b });
    for (const e of out) this.#index.apply(e);
    this.totals.events += out.length;
    return out;
  }
}
