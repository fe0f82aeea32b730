// Whether a batch of signatures goes to the sign pool: by the measured cost of each way on this machine, now.

/** How a batch makes its Ed25519 signatures. */
export type SignMode = "pool" | "inline";

/** One batch in this many runs the other way, so a change of the machine's load is noticed. */
const EXPLORE_EVERY = 8;
/** Pool batches not measured at first: a new worker thread runs cold (unoptimized code, cold caches). */
const WARM_UP = 8;
/** Weight of the newest batch in each way's moving average. */
const ALPHA = 0.25;

/**
 * Picks the cheaper way per batch by an exponential moving average of milliseconds per signature of the
 * batches that went each way (the caller measures, e.g. from one batch's start to the next one's). A worker
 * pays only when it gets a core of its own: on a machine whose second core is busy (or shared by the host),
 * handing signatures over costs more than it saves, and the batch is signed inline instead.
 * @example
 * const mode = policy.choose();
 * const t0 = performance.now();
 * // … run the batch that way …
 * policy.record(mode, performance.now() - t0, batchSize);
 */
export class PoolPolicy {
  readonly #cost: Record<SignMode, number> = { pool: Number.NaN, inline: Number.NaN };
  #batches = 0;
  #warming = WARM_UP;

  /**
   * The way the next batch should go: the pool while it warms up, inline once, then the cheaper one and the
   * other now and then.
   */
  choose(): SignMode {
    const { pool, inline } = this.#cost;
    if (Number.isNaN(pool) || this.#warming > 0) return "pool";
    if (Number.isNaN(inline)) return "inline";
    const best: SignMode = pool <= inline ? "pool" : "inline";
    if (++this.#batches % EXPLORE_EVERY !== 0) return best;
    return best === "pool" ? "inline" : "pool";
  }

  /** Records a batch of `signatures` that went `mode` and took `ms`. */
  record(mode: SignMode, ms: number, signatures: number): void {
    if (!(signatures > 0) || !(ms >= 0)) return;
    if (mode === "pool" && this.#warming > 0) {
      this.#warming--;
      return;
    }
    const perSignature = ms / signatures;
    const prev = this.#cost[mode];
    this.#cost[mode] = Number.isNaN(prev) ? perSignature : prev + ALPHA * (perSignature - prev);
  }

  /** The current averages (ms per signature; NaN before the first batch of a way), for tests and metrics. */
  get costs(): Readonly<Record<SignMode, number>> {
    return { ...this.#cost };
  }
}
