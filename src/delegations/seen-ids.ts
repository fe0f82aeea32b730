// The ids an import has seen so far: the line of each id's first use, by a 64-bit hash in typed arrays or exactly.
const EMPTY = 0;

/** Ids seen so far, each with the line of its first use (lines start at 1). */
export interface SeenIds {
  /** The line of an earlier use of `id` (or, hashed, of an id with the same hash), else 0 after recording it. */
  firstOrAdd(id: string, line: number): number;
  /** Makes room for about `n` more ids (memory only). */
  reserve(n: number): void;
  /** False when a hit may be another id with the same hash (the caller compares the ids). */
  readonly exact: boolean;
}

/** Exact: a Map of the ids (what an import falls back to after a hash collision). */
export class ExactSeenIds implements SeenIds {
  readonly exact = true;
  readonly #m = new Map<string, number>();
  firstOrAdd(id: string, line: number): number {
    const first = this.#m.get(id);
    if (first !== undefined) return first;
    this.#m.set(id, line);
    return 0;
  }
  reserve(): void {}
}

/**
 * Hashed: an open-addressing table of two independent 32-bit hashes of each id and its line, 12 bytes per slot
 * at most half full — no string kept, nothing for the garbage collector to trace. Two ids share both hashes
 * with probability 2^-64 per pair; a hit is therefore a repeat to confirm, not a verdict.
 */
export class HashedSeenIds implements SeenIds {
  readonly exact = false;
  #a = new Int32Array(1 << 16);
  #b = new Int32Array(1 << 16);
  #line = new Uint32Array(1 << 16);
  #n = 0;

  firstOrAdd(id: string, line: number): number {
    if (line > 0xffffffff) throw new RangeError("line must be at most 2^32-1 (an import file's line count)");
    let a = 0x811c9dc5 | 0;
    let b = 0x9747b28c | 0;
    for (let i = 0; i < id.length; i++) {
      const c = id.charCodeAt(i);
      a = Math.imul(a ^ c, 0x01000193);
      b = Math.imul(b ^ c, 0x5bd1e995);
      b ^= b >>> 15;
    }
    a ^= a >>> 16;
    a = Math.imul(a, 0x85ebca6b);
    a ^= a >>> 13;
    const mask = this.#line.length - 1;
    let at = a & mask;
    for (;;) {
      const l = this.#line[at]!;
      if (l === EMPTY) break;
      if (this.#a[at] === a && this.#b[at] === b) return l;
      at = (at + 1) & mask;
    }
    this.#a[at] = a;
    this.#b[at] = b;
    this.#line[at] = line;
    if (++this.#n * 2 > this.#line.length) this.#grow();
    return 0;
  }

  reserve(n: number): void {
    let size = this.#line.length;
    while ((this.#n + n) * 2 > size) size *= 2;
    if (size > this.#line.length) this.#grow(size);
  }

  #grow(size = this.#line.length * 2): void {
    const [oa, ob, ol] = [this.#a, this.#b, this.#line];
    // All three allocated before any is replaced: a refused allocation leaves the table as it was.
    const [a, b, lines] = [new Int32Array(size), new Int32Array(size), new Uint32Array(size)];
    this.#a = a;
    this.#b = b;
    this.#line = lines;
    const mask = size - 1;
    for (let i = 0; i < ol.length; i++) {
      if (ol[i] === EMPTY) continue;
      let at = oa[i]! & mask;
      while (this.#line[at] !== EMPTY) at = (at + 1) & mask;
      this.#a[at] = oa[i]!;
      this.#b[at] = ob[i]!;
      this.#line[at] = ol[i]!;
    }
  }
}
