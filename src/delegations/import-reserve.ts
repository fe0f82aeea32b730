// How much room an import's dry run reserves, from the file's size and what its first chunk held.
import type { DelegationIndex } from "./delegation-index.js";
import type { SeenIds } from "./seen-ids.js";

// The shortest event line, `{"op":"revoke","delegator":0,"provider":0,"at":0}`: no file holds more events per byte.
const MIN_EVENT_BYTES = 48;
// Bounds the key rows reserved per expected event (a sample of grants of many scopes is not the whole file).
const MAX_KEYS_PER_EVENT = 4;

/** Events in the `rest` bytes of a file whose first `sample` bytes held `events` (bounded by the shortest line). */
function expectedEvents(rest: number, events: number, sample: number): number {
  if (rest <= 0 || events === 0) return 0;
  return Math.ceil(Math.min(rest / MIN_EVENT_BYTES, (rest * events) / sample));
}

/** The dry-run copy's sizes before the sample, to measure the keys and pairs the sample's events made. */
export class DryRunSample {
  readonly #keys: number;
  readonly #pairs: number;
  constructor(copy: DelegationIndex) {
    const s = copy.stats();
    this.#keys = s.keys;
    this.#pairs = s.pairs;
  }

  /**
   * Reserves room in `copy` and `seen` for the `rest` bytes after a sample of `bytes` bytes that held `events`
   * events, `applied` of them dry-run. Memory only: every answer stays the same.
   */
  reserve(
    copy: DelegationIndex,
    seen: SeenIds,
    rest: number,
    bytes: number,
    events: number,
    applied: number,
  ): void {
    const more = expectedEvents(rest, events, bytes);
    if (more === 0) return;
    const now = copy.stats();
    const perEvent = (n: number, most: number) => Math.ceil(more * Math.min(most, n / Math.max(1, applied)));
    // A history's start is mostly grants: its keys and pairs per event overstate the whole file's. Slots are
    // reserved for at most one key and half a pair per event (too few costs one more doubling at the end, too
    // many a rehash back in `compact`); rows, which cost nothing until written, for what the sample shows.
    try {
      copy.reserve(
        perEvent(now.keys - this.#keys, 1),
        perEvent(now.pairs - this.#pairs, 0.5),
        perEvent(now.keys - this.#keys, MAX_KEYS_PER_EVENT),
      );
      seen.reserve(more);
    } catch (err) {
      // An allocation refused for an estimate (each step allocates before it replaces anything): the tables
      // grow as they would have without one, and only an index that large would fail.
      if (!(err instanceof RangeError)) throw err;
    }
  }
}
