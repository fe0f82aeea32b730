// Batched key lookups in the delegation index's key table: n queries at once, their cache misses overlapped.
import { mixKey } from "./hash-slots.js";
import { type KeyTable, ROW_F64, ROW_U32 } from "./key-table.js";
import type { LookupBatch } from "./lookup-batch.js";

/**
 * Batched `t.findKey` for the `batch.size` queries of `batch` (its `delegators`, and its `providerCodes` /
 * `scopeCodes` already resolved, < 0 = unknown id): `batch.found[i]` = the key's row or −1. Home slots are read
 * for every query first, then rows, so the CPU keeps many independent cache misses in flight instead of one
 * at a time.
 */
export function findMany(t: KeyTable, batch: LookupBatch): void {
  const { delegators, providerCodes, scopeCodes, found, size } = batch;
  const slots = t.kSlots;
  const mask = t.kMask;
  const keyF64 = t.kf;
  const keyU32 = t.ku;
  for (let i = 0; i < size; i++) {
    const provider = providerCodes[i]!;
    const scope = scopeCodes[i]!;
    // An empty home slot gives −1: the key is absent.
    found[i] = provider < 0 || scope < 0 ? -1 : slots[mixKey(delegators[i]!, provider, scope) & mask]! - 1;
  }
  for (let i = 0; i < size; i++) {
    const row = found[i]!;
    if (row < 0) continue;
    const u = row * ROW_U32;
    if (
      keyF64[row * ROW_F64] === delegators[i] &&
      keyU32[u + 2] === providerCodes[i] &&
      keyU32[u + 3] === scopeCodes[i]
    )
      continue;
    found[i] = t.findKey(delegators[i]!, providerCodes[i]!, scopeCodes[i]!);
  }
}
