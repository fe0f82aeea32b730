// Batched key lookups in the delegation index's key table: n queries at once, their cache misses overlapped.
import { mixKey } from "./hash-slots.js";
import { type KeyTable, ROW_F64, ROW_U32 } from "./key-table.js";

/**
 * Batched `t.findKey` for n queries (provider/scope codes < 0 = unknown): `out[i]` = the key's row or −1. Home
 * slots are read for every query first, then rows, so the CPU keeps many independent cache misses in flight
 * instead of one at a time.
 */
export function findMany(
  t: KeyTable,
  d: Float64Array,
  p: Int32Array,
  s: Int32Array,
  n: number,
  out: Int32Array,
): void {
  const slots = t.kSlots;
  const mask = t.kMask;
  const kf = t.kf;
  const ku = t.ku;
  for (let i = 0; i < n; i++) {
    const pi = p[i]!;
    const si = s[i]!;
    // An empty home slot gives −1: the key is absent.
    out[i] = pi < 0 || si < 0 ? -1 : slots[mixKey(d[i]!, pi, si) & mask]! - 1;
  }
  for (let i = 0; i < n; i++) {
    const k = out[i]!;
    if (k < 0) continue;
    const u = k * ROW_U32;
    if (kf[k * ROW_F64] === d[i] && ku[u + 2] === p[i] && ku[u + 3] === s[i]) continue;
    out[i] = t.findKey(d[i]!, p[i]!, s[i]!);
  }
}
