// Interning of delegation ids (providers, scopes, string delegators) to dense integers for the index.
import type { DelegationId } from "./ids.js";

// Small integer ids (schema ids, most provider ids) resolve through a direct table instead of a Map lookup.
const SMALL = 1 << 16;

/** Maps normalised ids to dense 0-based integers and back. Numbers and strings never collide (ids.ts). */
export class IdDictionary {
  /** Dense integer + 1 for integer ids below SMALL (0 = not interned). */
  readonly #small = new Int32Array(SMALL);
  readonly #byNumber = new Map<number, number>();
  readonly #byString = new Map<string, number>();
  readonly #values: DelegationId[] = [];

  /** Number of interned ids. */
  get size(): number {
    return this.#values.length;
  }

  /** The dense integer of a normalised id, or −1 when never interned. */
  find(id: DelegationId): number {
    if (typeof id === "number" && id < SMALL) return this.#small[id]! - 1;
    const v = typeof id === "number" ? this.#byNumber.get(id) : this.#byString.get(id);
    return v === undefined ? -1 : v;
  }

  /** The dense integer of a normalised id, interning it when new. */
  intern(id: DelegationId): number {
    const found = this.find(id);
    if (found >= 0) return found;
    const v = this.#values.length;
    this.#values.push(id);
    if (typeof id === "number" && id < SMALL) this.#small[id] = v + 1;
    else if (typeof id === "number") this.#byNumber.set(id, v);
    else this.#byString.set(id, v);
    return v;
  }

  /** The id behind a dense integer. */
  value(n: number): DelegationId {
    return this.#values[n]!;
  }

  /** An independent copy (used to simulate a whole import without touching the live index). */
  clone(): IdDictionary {
    const c = new IdDictionary();
    for (const v of this.#values) c.intern(v);
    return c;
  }
}
