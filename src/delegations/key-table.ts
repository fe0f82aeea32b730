// Typed-array storage of the delegation index: key rows (delegator, provider, scope), pairs and interval pools.
import { EMPTY_SLOT, mixKey, mixPair, overLoaded, pow2ceil, removeSlot, slotCount } from "./hash-slots.js";

/** End of a pair's key chain. */
export const NO_KEY = 0xffffffff;
// Undo records are 7 numbers: [start, key, count, poolTop, lastUntil, lastAt, garbage] before a mutation, or
// [CREATED, key, pairCreated, oldHead, 0, 0, 0] after a key creation (start is never negative).
const UNDO_STRIDE = 7;
const CREATED = -1;

// One key row = 40 bytes in one buffer, so a lookup touches one or two cache lines instead of one per field:
// f64[0] delegator code (integers up to 2^53−1; strings as negative codes) · u32[2] provider · u32[3] scope ·
// u32[4] interval start · u32[5] interval count · u32[6] next key of the same pair · f64[4] last event position.
/** Numbers per key row seen as Float64Array (`kf`). */
export const ROW_F64 = 5;
/** Numbers per key row seen as Uint32Array (`ku`). */
export const ROW_U32 = 10;

/**
 * Keys live in fixed-size rows of one ArrayBuffer (no object per key); each key owns a run of [from, until)
 * pairs in the interval pool with a power-of-two capacity, relocated to the pool's end when full (the old run
 * becomes garbage until `compact`). Mutations can be recorded in an undo log (`beginUndo`/`rollback`) to
 * simulate events without committing them.
 */
export class KeyTable {
  kf = new Float64Array(16 * ROW_F64);
  ku = new Uint32Array(this.kf.buffer);
  keys = 0;
  kSlots = new Uint32Array(32);
  kMask = 31;
  /** Pair slots hold the pair's most recently created key (+1); the pair's ids are read from that key. */
  pSlots = new Uint32Array(32);
  pMask = 31;
  pairs = 0;
  /** Interval pool: iv[2i] = from (inclusive), iv[2i+1] = until (exclusive; Infinity = open, no expiry). */
  iv = new Float64Array(128);
  poolTop = 0;
  garbage = 0;
  intervals = 0;
  #undo: number[] | undefined;

  d(k: number): number {
    return this.kf[k * ROW_F64]!;
  }
  p(k: number): number {
    return this.ku[k * ROW_U32 + 2]!;
  }
  s(k: number): number {
    return this.ku[k * ROW_U32 + 3]!;
  }
  start(k: number): number {
    return this.ku[k * ROW_U32 + 4]!;
  }
  count(k: number): number {
    return this.ku[k * ROW_U32 + 5]!;
  }
  next(k: number): number {
    return this.ku[k * ROW_U32 + 6]!;
  }
  last(k: number): number {
    return this.kf[k * ROW_F64 + 4]!;
  }
  from(i: number): number {
    return this.iv[2 * i]!;
  }
  until(i: number): number {
    return this.iv[2 * i + 1]!;
  }
  #setStart(k: number, v: number): void {
    this.ku[k * ROW_U32 + 4] = v;
  }
  #setCount(k: number, v: number): void {
    this.ku[k * ROW_U32 + 5] = v;
  }

  /** The row of a key, or −1. */
  findKey(d: number, p: number, s: number): number {
    const slots = this.kSlots;
    const mask = this.kMask;
    const kf = this.kf;
    const ku = this.ku;
    let h = mixKey(d, p, s) & mask;
    for (;;) {
      const v = slots[h]!;
      if (v === EMPTY_SLOT) return -1;
      const k = v - 1;
      const u = k * ROW_U32;
      if (kf[k * ROW_F64] === d && ku[u + 2] === p && ku[u + 3] === s) return k;
      h = (h + 1) & mask;
    }
  }

  /** The slot of a pair (its value is head key + 1), or −1. */
  findPairSlot(d: number, p: number): number {
    let h = mixPair(d, p) & this.pMask;
    for (;;) {
      const v = this.pSlots[h]!;
      if (v === EMPTY_SLOT) return -1;
      if (this.d(v - 1) === d && this.p(v - 1) === p) return h;
      h = (h + 1) & this.pMask;
    }
  }

  /** Creates a key with no interval (caller checked it is absent) and links it into its pair. */
  createKey(d: number, p: number, s: number): number {
    if ((this.keys + 1) * ROW_F64 > this.kf.length) this.#resizeKeys(Math.max(16, this.keys * 2));
    const k = this.keys++;
    this.kf[k * ROW_F64] = d;
    const u = k * ROW_U32;
    this.ku[u + 2] = p;
    this.ku[u + 3] = s;
    this.ku[u + 4] = 0;
    this.ku[u + 5] = 0;
    this.kf[k * ROW_F64 + 4] = -1;
    const ps = this.findPairSlot(d, p);
    const oldHead = ps < 0 ? NO_KEY : this.pSlots[ps]! - 1;
    this.ku[u + 6] = oldHead;
    if (ps < 0) {
      this.pairs++;
      this.#insertSlot(this.pSlots, this.pMask, mixPair(d, p), k);
    } else this.pSlots[ps] = k + 1;
    this.#insertSlot(this.kSlots, this.kMask, mixKey(d, p, s), k);
    if (overLoaded(this.keys, this.kSlots.length)) this.#rehashKeys(this.kSlots.length * 2);
    if (overLoaded(this.pairs, this.pSlots.length)) this.#rehashPairs(this.pSlots.length * 2);
    this.#undo?.push(CREATED, k, ps < 0 ? 1 : 0, oldHead, 0, 0, 0);
    return k;
  }

  /** Appends the interval [from, until) to key `k`. */
  pushInterval(k: number, from: number, until: number): void {
    this.#record(k);
    const n = this.count(k);
    if (n === 0 || n === pow2ceil(n)) {
      // Full (or empty): move the run to the pool's end with double capacity.
      const cap = n === 0 ? 1 : n * 2;
      this.#ensurePool(this.poolTop + cap);
      const src = this.start(k);
      this.iv.copyWithin(2 * this.poolTop, 2 * src, 2 * (src + n));
      this.garbage += n;
      this.#setStart(k, this.poolTop);
      this.poolTop += cap;
    }
    const at = this.start(k) + n;
    this.iv[2 * at] = from;
    this.iv[2 * at + 1] = until;
    this.#setCount(k, n + 1);
    this.intervals++;
  }

  /** Sets the end of key `k`'s last interval. */
  setLastUntil(k: number, until: number): void {
    this.#record(k);
    this.iv[2 * (this.start(k) + this.count(k) - 1) + 1] = until;
  }

  /** Sets the position of key `k`'s last accepted event. */
  setLastAt(k: number, at: number): void {
    this.#record(k);
    this.kf[k * ROW_F64 + 4] = at;
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
      this.intervals -= this.count(k) - count;
      this.#setStart(k, u[i]!);
      this.#setCount(k, count);
      this.poolTop = u[i + 3]!;
      if (count > 0) this.iv[2 * (u[i]! + count - 1) + 1] = u[i + 4]!;
      this.kf[k * ROW_F64 + 4] = u[i + 5]!;
      this.garbage = u[i + 6]!;
    }
  }

  /** Rewrites the pool without garbage and trims every array to its content (after a rebuild). */
  compact(): void {
    let size = 0;
    for (let k = 0; k < this.keys; k++) size += this.count(k) === 0 ? 0 : pow2ceil(this.count(k));
    const iv = new Float64Array(Math.max(2 * size, 2));
    const old = this.iv;
    let top = 0;
    for (let k = 0; k < this.keys; k++) {
      const n = this.count(k);
      if (n === 0) continue;
      // A plain copy: a subarray view per key made this loop most of a large import's compaction.
      const from = 2 * this.start(k);
      const to = 2 * top;
      for (let i = 0; i < 2 * n; i++) iv[to + i] = old[from + i]!;
      this.#setStart(k, top);
      top += pow2ceil(n);
    }
    this.iv = iv;
    this.poolTop = top;
    this.garbage = 0;
    // A view of the used rows, not a copy: the rows past them were never written (growth copies only used
    // rows, `reserve` writes none), so they hold no memory, and copying them was most of a large compaction.
    this.kf = this.kf.subarray(0, Math.max(this.keys, 1) * ROW_F64);
    if (this.kSlots.length > slotCount(this.keys)) this.#rehashKeys(slotCount(this.keys));
    if (this.pSlots.length > slotCount(this.pairs)) this.#rehashPairs(slotCount(this.pairs));
  }

  /**
   * Makes room for `rows` key rows, the slots of `keys` keys and of `pairs` pairs in all, so a bulk load of
   * about that many neither copies its rows nor rehashes its slots as it grows; smaller values change nothing.
   * Rows never written take no memory; `compact` brings slot tables back to the size growth would have given.
   */
  reserve(rows: number, keys: number, pairs: number): void {
    if (rows * ROW_F64 > this.kf.length) this.#resizeKeys(rows);
    if (slotCount(keys) > this.kSlots.length) this.#rehashKeys(slotCount(keys));
    if (slotCount(pairs) > this.pSlots.length) this.#rehashPairs(slotCount(pairs));
  }

  /** Bytes held by every typed array of the table. */
  bytes(): number {
    return this.kf.byteLength + this.kSlots.byteLength + this.pSlots.byteLength + this.iv.byteLength;
  }

  /** A deep copy (typed arrays copied). */
  clone(): KeyTable {
    const c = new KeyTable();
    c.kf = this.kf.slice();
    c.ku = new Uint32Array(c.kf.buffer);
    c.keys = this.keys;
    c.kSlots = this.kSlots.slice();
    c.kMask = this.kMask;
    c.pSlots = this.pSlots.slice();
    c.pMask = this.pMask;
    c.pairs = this.pairs;
    c.iv = this.iv.slice(0, Math.max(2 * this.poolTop, 2));
    c.poolTop = this.poolTop;
    c.garbage = this.garbage;
    c.intervals = this.intervals;
    return c;
  }

  #record(k: number): void {
    const u = this.#undo;
    if (!u) return;
    const n = this.count(k);
    const lastUntil = n > 0 ? this.until(this.start(k) + n - 1) : 0;
    u.push(this.start(k), k, n, this.poolTop, lastUntil, this.last(k), this.garbage);
  }

  #unlinkKey(k: number, pairCreated: boolean, oldHead: number): void {
    const d = this.d(k);
    const p = this.p(k);
    const ks = this.#slotOf(this.kSlots, this.kMask, mixKey(d, p, this.s(k)), k);
    removeSlot(this.kSlots, this.kMask, ks, (r) => mixKey(this.d(r), this.p(r), this.s(r)));
    const ps = this.#slotOf(this.pSlots, this.pMask, mixPair(d, p), k);
    if (pairCreated) {
      removeSlot(this.pSlots, this.pMask, ps, (r) => mixPair(this.d(r), this.p(r)));
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

  #resizeKeys(rows: number): void {
    const kf = new Float64Array(rows * ROW_F64);
    kf.set(this.kf.subarray(0, Math.min(this.kf.length, rows * ROW_F64)));
    this.kf = kf;
    this.ku = new Uint32Array(kf.buffer);
  }

  #ensurePool(size: number): void {
    if (2 * size <= this.iv.length) return;
    const iv = new Float64Array(Math.max(2 * size, this.iv.length * 2));
    iv.set(this.iv);
    this.iv = iv;
  }

  #rehashKeys(size: number): void {
    this.kSlots = new Uint32Array(size);
    this.kMask = size - 1;
    for (let k = 0; k < this.keys; k++)
      this.#insertSlot(this.kSlots, this.kMask, mixKey(this.d(k), this.p(k), this.s(k)), k);
  }

  #rehashPairs(size: number): void {
    const old = this.pSlots;
    this.pSlots = new Uint32Array(size);
    this.pMask = size - 1;
    for (const v of old)
      if (v !== EMPTY_SLOT)
        this.#insertSlot(this.pSlots, this.pMask, mixPair(this.d(v - 1), this.p(v - 1)), v - 1);
  }
}
