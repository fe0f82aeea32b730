// Typed-array storage of the delegation index: keys (delegator, provider, scope), pairs and interval pools.
import { EMPTY_SLOT, mixKey, mixPair, pow2ceil, removeSlot } from "./hash-slots.js";

/** End of a pair's key chain. */
export const NO_KEY = 0xffffffff;
// Undo records are 7 numbers: [start, key, count, poolTop, lastUntil, lastAt, garbage] before a mutation, or
// [CREATED, key, pairCreated, oldHead, 0, 0, 0] after a key creation (start is never negative).
const UNDO_STRIDE = 7;
const CREATED = -1;

function grow<T extends Float64Array | Uint32Array>(a: T, size: number): T {
  const b = new (a.constructor as new (n: number) => T)(size);
  b.set(a.subarray(0, Math.min(a.length, size)));
  return b;
}

/**
 * Keys live in parallel typed arrays (no object per key); each key owns a run of intervals in the pool with a
 * power-of-two capacity, relocated to the pool's end when full (the old run becomes garbage until `compact`).
 * Mutations can be recorded in an undo log (`beginUndo`/`rollback`) to simulate events without committing.
 */
export class KeyTable {
  // Key rows: delegator code (f64: integers up to 2^53−1, strings as negative codes), provider, scope.
  kD = new Float64Array(16);
  kP = new Uint32Array(16);
  kS = new Uint32Array(16);
  kStart = new Uint32Array(16);
  kCount = new Uint32Array(16);
  /** Next key of the same (delegator, provider) pair, or NO_KEY. */
  kNext = new Uint32Array(16);
  /** Position of the key's last accepted event (the ordering rule). */
  kLast = new Float64Array(16);
  keys = 0;
  kSlots = new Uint32Array(32);
  kMask = 31;
  /** Pair slots hold the pair's most recently created key (+1); the pair's ids are read from that key. */
  pSlots = new Uint32Array(32);
  pMask = 31;
  pairs = 0;
  /** Interval pool: `from` inclusive, `until` exclusive (Infinity = open, no expiry). */
  iFrom = new Float64Array(64);
  iUntil = new Float64Array(64);
  poolTop = 0;
  garbage = 0;
  intervals = 0;
  #undo: number[] | undefined;

  /** The row of a key, or −1. */
  findKey(d: number, p: number, s: number): number {
    const slots = this.kSlots;
    const mask = this.kMask;
    let h = mixKey(d, p, s) & mask;
    for (;;) {
      const v = slots[h]!;
      if (v === EMPTY_SLOT) return -1;
      const k = v - 1;
      if (this.kD[k] === d && this.kP[k] === p && this.kS[k] === s) return k;
      h = (h + 1) & mask;
    }
  }

  /** The slot of a pair (its value is head key + 1), or −1. */
  findPairSlot(d: number, p: number): number {
    let h = mixPair(d, p) & this.pMask;
    for (;;) {
      const v = this.pSlots[h]!;
      if (v === EMPTY_SLOT) return -1;
      if (this.kD[v - 1] === d && this.kP[v - 1] === p) return h;
      h = (h + 1) & this.pMask;
    }
  }

  /** Creates a key with no interval (caller checked it is absent) and links it into its pair. */
  createKey(d: number, p: number, s: number): number {
    if (this.keys === this.kD.length) this.#growKeys(this.keys * 2);
    const k = this.keys++;
    this.kD[k] = d;
    this.kP[k] = p;
    this.kS[k] = s;
    this.kStart[k] = 0;
    this.kCount[k] = 0;
    this.kLast[k] = -1;
    const ps = this.findPairSlot(d, p);
    const oldHead = ps < 0 ? NO_KEY : this.pSlots[ps]! - 1;
    this.kNext[k] = oldHead;
    if (ps < 0) {
      this.pairs++;
      this.#insertSlot(this.pSlots, this.pMask, mixPair(d, p), k);
    } else this.pSlots[ps] = k + 1;
    this.#insertSlot(this.kSlots, this.kMask, mixKey(d, p, s), k);
    if (this.keys * 4 > this.kSlots.length * 3) this.#rehashKeys(this.kSlots.length * 2);
    if (this.pairs * 4 > this.pSlots.length * 3) this.#rehashPairs(this.pSlots.length * 2);
    this.#undo?.push(CREATED, k, ps < 0 ? 1 : 0, oldHead, 0, 0, 0);
    return k;
  }

  /** Appends the interval [from, until) to key `k`. */
  pushInterval(k: number, from: number, until: number): void {
    this.#record(k);
    const n = this.kCount[k]!;
    if (n === 0 || n === pow2ceil(n)) {
      // Full (or empty): move the run to the pool's end with double capacity.
      const cap = n === 0 ? 1 : n * 2;
      this.#ensurePool(this.poolTop + cap);
      const src = this.kStart[k]!;
      this.iFrom.copyWithin(this.poolTop, src, src + n);
      this.iUntil.copyWithin(this.poolTop, src, src + n);
      this.garbage += n;
      this.kStart[k] = this.poolTop;
      this.poolTop += cap;
    }
    const at = this.kStart[k]! + n;
    this.iFrom[at] = from;
    this.iUntil[at] = until;
    this.kCount[k] = n + 1;
    this.intervals++;
  }

  /** Sets the end of key `k`'s last interval. */
  setLastUntil(k: number, until: number): void {
    this.#record(k);
    this.iUntil[this.kStart[k]! + this.kCount[k]! - 1] = until;
  }

  /** Sets the position of key `k`'s last accepted event. */
  setLastAt(k: number, at: number): void {
    this.#record(k);
    this.kLast[k] = at;
  }

  /** Starts recording mutations so `rollback` can undo them. */
  beginUndo(): void {
    this.#undo = [];
  }

  /** Undoes every mutation since `beginUndo`, newest first, and stops recording. */
  rollback(): void {
    const u = this.#undo;
    this.#undo = undefined;
    if (!u) return;
    for (let i = u.length - UNDO_STRIDE; i >= 0; i -= UNDO_STRIDE) {
      const k = u[i + 1]!;
      if (u[i] === CREATED) {
        this.#unlinkKey(k, u[i + 2] === 1, u[i + 3]!);
        continue;
      }
      const count = u[i + 2]!;
      this.intervals -= this.kCount[k]! - count;
      this.kStart[k] = u[i]!;
      this.kCount[k] = count;
      this.poolTop = u[i + 3]!;
      if (count > 0) this.iUntil[this.kStart[k]! + count - 1] = u[i + 4]!;
      this.kLast[k] = u[i + 5]!;
      this.garbage = u[i + 6]!;
    }
  }

  /** Stops recording without undoing. */
  commitUndo(): void {
    this.#undo = undefined;
  }

  /** Rewrites the pool without garbage and trims every array to its content (after a rebuild). */
  compact(): void {
    let size = 0;
    for (let k = 0; k < this.keys; k++) size += this.kCount[k] === 0 ? 0 : pow2ceil(this.kCount[k]!);
    const from = new Float64Array(Math.max(size, 1));
    const until = new Float64Array(Math.max(size, 1));
    let top = 0;
    for (let k = 0; k < this.keys; k++) {
      const n = this.kCount[k]!;
      if (n === 0) continue;
      const s = this.kStart[k]!;
      from.set(this.iFrom.subarray(s, s + n), top);
      until.set(this.iUntil.subarray(s, s + n), top);
      this.kStart[k] = top;
      top += pow2ceil(n);
    }
    this.iFrom = from;
    this.iUntil = until;
    this.poolTop = top;
    this.garbage = 0;
    this.#growKeys(Math.max(this.keys, 1));
  }

  /** Bytes held by every typed array of the table. */
  bytes(): number {
    const arrays = [this.kD, this.kP, this.kS, this.kStart, this.kCount, this.kNext, this.kLast];
    let b = this.kSlots.byteLength + this.pSlots.byteLength + this.iFrom.byteLength + this.iUntil.byteLength;
    for (const a of arrays) b += a.byteLength;
    return b;
  }

  /** A deep copy (typed arrays copied). */
  clone(): KeyTable {
    const c = new KeyTable();
    c.kD = this.kD.slice();
    c.kP = this.kP.slice();
    c.kS = this.kS.slice();
    c.kStart = this.kStart.slice();
    c.kCount = this.kCount.slice();
    c.kNext = this.kNext.slice();
    c.kLast = this.kLast.slice();
    c.keys = this.keys;
    c.kSlots = this.kSlots.slice();
    c.kMask = this.kMask;
    c.pSlots = this.pSlots.slice();
    c.pMask = this.pMask;
    c.pairs = this.pairs;
    c.iFrom = this.iFrom.slice(0, Math.max(this.poolTop, 1));
    c.iUntil = this.iUntil.slice(0, Math.max(this.poolTop, 1));
    c.poolTop = this.poolTop;
    c.garbage = this.garbage;
    c.intervals = this.intervals;
    return c;
  }

  #record(k: number): void {
    const u = this.#undo;
    if (!u) return;
    const n = this.kCount[k]!;
    const lastUntil = n > 0 ? this.iUntil[this.kStart[k]! + n - 1]! : 0;
    u.push(this.kStart[k]!, k, n, this.poolTop, lastUntil, this.kLast[k]!, this.garbage);
  }

  #unlinkKey(k: number, pairCreated: boolean, oldHead: number): void {
    const d = this.kD[k]!;
    const p = this.kP[k]!;
    const ks = this.#slotOf(this.kSlots, this.kMask, mixKey(d, p, this.kS[k]!), k);
    removeSlot(this.kSlots, this.kMask, ks, (r) => mixKey(this.kD[r]!, this.kP[r]!, this.kS[r]!));
    const ps = this.#slotOf(this.pSlots, this.pMask, mixPair(d, p), k);
    if (pairCreated) {
      removeSlot(this.pSlots, this.pMask, ps, (r) => mixPair(this.kD[r]!, this.kP[r]!));
      this.pairs--;
    } else this.pSlots[ps] = oldHead + 1;
    this.keys--;
  }

  #slotOf(slots: Uint32Array, mask: number, hash: number, row: number): number {
    let h = hash & mask;
    while (slots[h] !== row + 1) h = (h + 1) & mask;
    return h;
  }

  #insertSlot(slots: Uint32Array, mask: number, hash: number, row: number): void {
    let h = hash & mask;
    while (slots[h] !== EMPTY_SLOT) h = (h + 1) & mask;
    slots[h] = row + 1;
  }

  #growKeys(size: number): void {
    this.kD = grow(this.kD, size);
    this.kP = grow(this.kP, size);
    this.kS = grow(this.kS, size);
    this.kStart = grow(this.kStart, size);
    this.kCount = grow(this.kCount, size);
    this.kNext = grow(this.kNext, size);
    this.kLast = grow(this.kLast, size);
  }

  #ensurePool(size: number): void {
    if (size <= this.iFrom.length) return;
    const cap = Math.max(size, this.iFrom.length * 2);
    this.iFrom = grow(this.iFrom, cap);
    this.iUntil = grow(this.iUntil, cap);
  }

  #rehashKeys(size: number): void {
    this.kSlots = new Uint32Array(size);
    this.kMask = size - 1;
    for (let k = 0; k < this.keys; k++)
      this.#insertSlot(this.kSlots, this.kMask, mixKey(this.kD[k]!, this.kP[k]!, this.kS[k]!), k);
  }

  #rehashPairs(size: number): void {
    const old = this.pSlots;
    this.pSlots = new Uint32Array(size);
    this.pMask = size - 1;
    for (const v of old)
      if (v !== EMPTY_SLOT)
        this.#insertSlot(this.pSlots, this.pMask, mixPair(this.kD[v - 1]!, this.kP[v - 1]!), v - 1);
  }
}
