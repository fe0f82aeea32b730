// Frequency's history from consecutive storage values, checked against a direct transcription of pallet-msa:
// its storage mutations (upsert_intent_permissions, revoke_provider, revoke_permissions_for_intents) and its two
// `ensure!` rules, over random histories — at every block through an archive node's eyes (the value stored at
// that block), and after the last re-grant through the final storage alone (what Frequency itself can answer).
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { DelegationIndex } from "./delegation-index.js";
import { FrequencyHistory } from "./frequency-history.js";
import { SemanticLookup } from "./semantics.js";

// ---- the pallet, transcribed (pallets/msa/src/lib.rs) ----
type Delegation = { revokedAt: number; permissions: Map<number, number> };
type Chain = Map<string, Delegation>;
const pairKey = (d: number, p: number) => `${d}/${p}`;
const copy = (c: Chain): Chain =>
  new Map([...c].map(([k, v]) => [k, { revokedAt: v.revokedAt, permissions: new Map(v.permissions) }]));

/** upsert_intent_permissions (grant_delegation; also a re-grant after a revoke). */
function upsert(c: Chain, d: number, p: number, intents: number[], block: number): void {
  const x = c.get(pairKey(d, p)) ?? { revokedAt: 0, permissions: new Map() };
  for (const [i, at] of x.permissions) if (!intents.includes(i) && at === 0) x.permissions.set(i, block);
  for (const i of intents) x.permissions.set(i, 0);
  x.revokedAt = 0;
  c.set(pairKey(d, p), x);
}
/** revoke_provider: DelegationNotFound / DelegationRevoked refuse (false). */
function revokeProvider(c: Chain, d: number, p: number, block: number): boolean {
  const x = c.get(pairKey(d, p));
  if (x?.revokedAt !== 0) return false;
  x.revokedAt = block;
  return true;
}
/** revoke_permissions_for_intents: every intent must be in the map. */
function revokePermissions(c: Chain, d: number, p: number, intents: number[], block: number): boolean {
  const x = c.get(pairKey(d, p));
  if (!x || !intents.every((i) => x.permissions.has(i))) return false;
  for (const i of intents) x.permissions.set(i, block);
  return true;
}
/** ensure_valid_delegation(provider, delegator, Some(block)) then ensure_valid_grant's permission rule. */
function frequencyValid(c: Chain, d: number, p: number, intent: number, block: number): boolean {
  const info = c.get(pairKey(d, p));
  if (!info) return false;
  if (info.revokedAt !== 0 && !(info.revokedAt >= block)) return false;
  const at = info.permissions.get(intent);
  if (at === undefined) return false;
  return at === 0 || block <= at;
}
const jsonValue = (x: Delegation | undefined) =>
  x === undefined
    ? null
    : {
        revokedAt: x.revokedAt,
        permissions: [...x.permissions].sort((a, b) => a[0] - b[0]) as [number, number][],
      };

// ---- random histories: a few delegators, two providers, three intents, several ops per block ----
const D = [1, 2, 3];
const P = [10, 11];
const I = [5, 6, 7];
const op = fc.oneof(
  fc.record({
    t: fc.constant("grant" as const),
    d: fc.constantFrom(...D),
    p: fc.constantFrom(...P),
    i: fc.subarray(I),
  }),
  fc.record({ t: fc.constant("revoke" as const), d: fc.constantFrom(...D), p: fc.constantFrom(...P) }),
  fc.record({
    t: fc.constant("perm" as const),
    d: fc.constantFrom(...D),
    p: fc.constantFrom(...P),
    i: fc.subarray(I, { minLength: 1 }),
  }),
);
const history = fc.array(
  fc.record({ gap: fc.integer({ min: 0, max: 3 }), ops: fc.array(op, { minLength: 1, maxLength: 3 }) }),
  {
    maxLength: 25,
  },
);

type Op = { t: "grant" | "perm"; d: number; p: number; i: number[] } | { t: "revoke"; d: number; p: number };
function run(blocks: { gap: number; ops: Op[] }[]) {
  const chain: Chain = new Map();
  const states: { block: number; chain: Chain }[] = [];
  const h = new FrequencyHistory();
  const index = new DelegationIndex();
  const lastGrant = new Map<string, number>();
  const rerevoked = new Set<string>();
  let block = 1;
  for (const { gap, ops } of blocks) {
    block += gap; // gap 0: several events in one block
    const touched: { method: string; d: number; p: number }[] = [];
    for (const o of ops) {
      if (o.t === "grant") {
        upsert(chain, o.d, o.p, o.i, block);
        lastGrant.set(pairKey(o.d, o.p), block);
        touched.push({ method: "DelegationGranted", d: o.d, p: o.p });
      } else if (o.t === "revoke") {
        if (revokeProvider(chain, o.d, o.p, block))
          touched.push({ method: "DelegationRevoked", d: o.d, p: o.p });
      } else {
        const before = chain.get(pairKey(o.d, o.p));
        // Re-revoking a revoked permission moves its revoked_at later, which the final storage cannot tell from
        // "valid until then" (possible only through the removed revoke_schema_permissions extrinsic).
        if (
          before &&
          o.i.some((i: number) => (before.permissions.get(i) ?? 0) !== 0 || before.revokedAt !== 0)
        )
          rerevoked.add(pairKey(o.d, o.p));
        if (revokePermissions(chain, o.d, o.p, o.i, block))
          touched.push({ method: "DelegationUpdated", d: o.d, p: o.p });
      }
    }
    // The dump reads each event's storage value at its block: the state after the whole block.
    for (const t of touched)
      for (const e of h.feed({
        kind: "delegation",
        block,
        method: t.method as "DelegationGranted",
        delegator: t.d,
        provider: t.p,
        delegation: jsonValue(chain.get(pairKey(t.d, t.p))),
      }))
        index.apply(e);
    states.push({ block, chain: copy(chain) });
    block++;
  }
  return { chain, states, index, lastGrant, rerevoked, end: block + 2 };
}

describe("FrequencyHistory", () => {
  it("answers like an archive node at every block, and like Frequency's storage after the last re-grant", () => {
    fc.assert(
      fc.property(history, (blocks) => {
        const { chain, states, index, lastGrant, rerevoked, end } = run(blocks);
        const q = new SemanticLookup(index, "frequency");
        const archive = (b: number) => {
          let s: Chain = new Map();
          for (const x of states) if (x.block <= b) s = x.chain;
          return s;
        };
        for (let b = 0; b <= end; b++) {
          const at = archive(b);
          for (const d of D)
            for (const p of P)
              for (const i of I) {
                const ours = q.locate(d, p, i, b) >= 0;
                expect(ours, `archive d${d} p${p} i${i} @${b}`).toBe(frequencyValid(at, d, p, i, b));
                const g = lastGrant.get(pairKey(d, p));
                if (g !== undefined && b >= g && !rerevoked.has(pairKey(d, p)))
                  expect(ours, `storage d${d} p${p} i${i} @${b}`).toBe(frequencyValid(chain, d, p, i, b));
              }
        }
      }),
      { numRuns: 300 },
    );
  });

  it("seed 003's lifecycle: where Frequency's storage alone is wrong, the history is not", () => {
    const h = new FrequencyHistory();
    const index = new DelegationIndex();
    const rec = (block: number, method: string, revokedAt: number, perm: number) =>
      h.feed({
        kind: "delegation",
        block,
        method: method as "DelegationGranted",
        delegator: 1234,
        provider: 1,
        delegation: { revokedAt, permissions: [[5, perm]] },
      });
    for (const e of [
      ...rec(100, "DelegationGranted", 0, 0),
      ...rec(400, "DelegationRevoked", 400, 0),
      ...rec(1000, "DelegationGranted", 0, 0),
      ...rec(2000, "DelegationRevoked", 2000, 0),
    ])
      index.apply(e);
    expect(index.history(1234, 1, 5)[0]!.intervals).toEqual([
      { from: 100, until: 400 },
      { from: 1000, until: 2000 },
    ]);
    const f = new SemanticLookup(index, "frequency");
    const k = new SemanticLookup(index, "keyward");
    const at = (q: SemanticLookup, b: number) => q.locate(1234, 1, 5, b) >= 0;
    // Final storage {revokedAt: 2000, 5: 0} says "valid" for every block ≤ 2000, 500 and 99 included.
    expect([99, 100, 400, 401, 500, 999, 1000, 2000, 2001].map((b) => at(f, b))).toEqual([
      false,
      true,
      true,
      false,
      false,
      false,
      true,
      true,
      false,
    ]);
    expect([400, 2000].map((b) => at(k, b))).toEqual([false, false]);
  });

  it("refuses dumps that cannot be right", () => {
    const h = new FrequencyHistory();
    const g = {
      kind: "delegation" as const,
      method: "DelegationGranted" as const,
      delegator: 1,
      provider: 2,
    };
    h.feed({ ...g, block: 10, delegation: { revokedAt: 0, permissions: [[5, 0]] } });
    expect(() => h.feed({ ...g, block: 9, delegation: null })).toThrow(/must be in block order/);
    expect(() => h.feed({ ...g, block: 20, delegation: { revokedAt: 0, permissions: [[5, 30]] } })).toThrow(
      /revoked at block 30, after the block it was read at/,
    );
    expect(() => h.feed({ ...g, block: 20, delegation: { revokedAt: 15, permissions: [[5, 0]] } })).toThrow(
      /was in force and is now revoked before block 20: an event is missing/,
    );
    h.feed({ kind: "retired", block: 30, msaId: 1 });
    expect(() => h.feed({ ...g, block: 31, delegation: { revokedAt: 0, permissions: [] } })).toThrow(
      /MSA 1 was retired earlier in the dump/,
    );
  });
});
