// Open-addressing (linear probing) slot arrays for the delegation index: hashing and backward-shift deletion.

/** Slot value meaning "empty"; occupied slots hold `row + 1`. */
export const EMPTY_SLOT = 0;

/** Mixes a 53-bit delegator code and two 32-bit ids into a 32-bit hash (murmur3 finaliser). */
export function mixKey(d: number, p: number, s: number): number {
  // ToUint32 keeps the low 32 bits of any integer (also negative string codes); the division gets the high bits.
  const lo = d >>> 0;
  const hi = (d / 4294967296) | 0;
  let h =
    Math.imul(lo, 0x9e3779b1) ^
    Math.imul((hi + 0x7f4a7c15) | 0, 0x85ebca77) ^
    Math.imul(p, 0xc2b2ae3d) ^
    Math.imul((s + 0x165667b1) | 0, 0x27d4eb2f);
  h ^= h >>> 15;
  h = Math.imul(h, 0x2c1b3c6d);
  h ^= h >>> 12;
  h = Math.imul(h, 0x297a2d39);
  h ^= h >>> 15;
  return h >>> 0;
}

/** Hash of a (delegator, provider) pair, distinct from every key hash family. */
export function mixPair(d: number, p: number): number {
  return mixKey(d, p, 0x5bd1e995);
}

/** True when `n` entries fill more than 3/4 of `slots` slots: the table's load limit (it then doubles). */
export function overLoaded(n: number, slots: number): boolean {
  return n * 4 > slots * 3;
}

/** Slots of a table holding `n` entries as growth leaves it: from 32, doubled while over the load limit. */
export function slotCount(n: number): number {
  let size = 32;
  while (overLoaded(n, size)) size *= 2;
  return size;
}

/** Smallest power of two ≥ max(n, 1). */
export function pow2ceil(n: number): number {
  let c = 1;
  while (c < n) c *= 2;
  return c;
}

/**
 * Removes the entry at `slot` with backward-shift deletion, so probe chains stay intact without tombstones.
 * `home(row)` returns the home slot of a stored row.
 */
export function removeSlot(
  slots: Uint32Array,
  mask: number,
  slot: number,
  home: (row: number) => number,
): void {
  let i = slot;
  let j = slot;
  for (;;) {
    slots[i] = EMPTY_SLOT;
    for (;;) {
      j = (j + 1) & mask;
      const v = slots[j]!;
      if (v === EMPTY_SLOT) return;
      const h = home(v - 1) & mask;
      // The entry at j may move back to i only if its home is not cyclically inside (i, j].
      const inside = i <= j ? i < h && h <= j : i < h || h <= j;
      if (!inside) break;
    }
    slots[i] = slots[j]!;
    i = j;
  }
}
