// The unseal gate of a key-share store: collects shares in memory until K combine to a key that opens the store.
import { timingSafeEqual } from "node:crypto";
import { wipe } from "../crypto/bytes.js";
import { KeywardError } from "../errors/keyward-error.js";
import { parseShare, SHARE_BYTES, type ShareSplit, validateShareSplit } from "../store/sealing/key-shares.js";
import type { UnsealMaterial } from "../store/sealing/root-key.js";
import type { KeywardConfig } from "./config.js";
import { type Keyward, type KeywardOptions, openKeyward } from "./keyward.js";

/** Seal state as `/v1/sys/seal-status` and `/v1/sys/unseal` report it (no share, no key). */
export interface SealStatus {
  readonly sealed: boolean;
  /** K: shares needed (0 when the store is not unsealed by key shares). */
  readonly threshold: number;
  /** N: shares made (0 when the store is not unsealed by key shares). */
  readonly shares: number;
  /** Distinct shares received towards the current attempt. */
  readonly received: number;
}

/** Who contributed to an unseal (client addresses, never shares) and how many attempts failed before it. */
export interface UnsealAttempt {
  readonly clients: readonly string[];
  readonly failedAttempts: number;
}

/** What the HTTP surface needs from a gate. */
export interface SealGate {
  status(): SealStatus;
  /** Adds one share (its text form) from `client`. */
  submit(share: unknown, client: string): Promise<SealStatus>;
}

/** The gate of a server that is not sealed (passphrase or key-file store): always unsealed, takes no shares. */
export const UNSEALED: SealGate = {
  status: () => ({ sealed: false, threshold: 0, shares: 0, received: 0 }),
  submit: async () => ({ sealed: false, threshold: 0, shares: 0, received: 0 }),
};

/**
 * Collects key shares in memory, one at a time, until `split.threshold` distinct ones are there; then calls
 * `open` with them. A combination that does not open the store resets progress and answers `unseal_failed`
 * without saying which share was wrong. Every share is wiped after its attempt. Submissions are serialised.
 * @example const gate = new UnsealGate({ split: { shares: 5, threshold: 3 }, open: (m) => openKeyward({ ...config, unseal: m }) });
 */
export class UnsealGate<T> implements SealGate {
  readonly #split: ShareSplit;
  readonly #open: (material: UnsealMaterial, attempt: UnsealAttempt) => Promise<T>;
  #shares: Uint8Array[] = [];
  #clients: string[] = [];
  #failed = 0;
  #value: T | undefined;
  #queue: Promise<unknown> = Promise.resolve();

  constructor(options: {
    readonly split: ShareSplit;
    readonly open: (material: UnsealMaterial, attempt: UnsealAttempt) => Promise<T>;
  }) {
    this.#split = validateShareSplit(options.split);
    this.#open = options.open;
  }

  /** What `open` returned once unsealed, else undefined. */
  get value(): T | undefined {
    return this.#value;
  }

  status(): SealStatus {
    return {
      sealed: this.#value === undefined,
      threshold: this.#split.threshold,
      shares: this.#split.shares,
      received: this.#value === undefined ? this.#shares.length : 0,
    };
  }

  /**
   * Adds a share. A malformed one is refused (`invalid_input`) and changes nothing; the same share twice counts
   * once; the K-th distinct share triggers the attempt.
   * @throws KeywardError `unseal_failed` (progress reset) when the shares do not open the store; `open`'s other
   * errors (progress reset too).
   */
  submit(share: unknown, client: string): Promise<SealStatus> {
    const bytes = parseShare(share);
    const run = this.#queue.then(() => this.#take(bytes, client));
    this.#queue = run.catch(() => undefined);
    return run;
  }

  /** Resolves once no submission is running (used before closing). */
  async settled(): Promise<void> {
    await this.#queue;
  }

  /** Drops the shares held (server shutting down). */
  clear(): void {
    this.#reset();
  }

  async #take(share: Uint8Array, client: string): Promise<SealStatus> {
    if (this.#value !== undefined) {
      wipe(share);
      return this.status();
    }
    const x = share[SHARE_BYTES - 1];
    const same = this.#shares.find((s) => s[SHARE_BYTES - 1] === x);
    if (same) {
      const equal = timingSafeEqual(same, share);
      wipe(share);
      if (equal) return this.status();
      this.#fail();
      throw new KeywardError("unseal_failed", "two different shares with one index: progress was reset");
    }
    this.#shares.push(share);
    this.#clients.push(client);
    if (this.#shares.length < this.#split.threshold) return this.status();
    const attempt = { clients: [...new Set(this.#clients)], failedAttempts: this.#failed };
    try {
      this.#value = await this.#open({ shares: this.#shares }, attempt);
      this.#reset();
      return this.status();
    } catch (err) {
      this.#fail();
      if (err instanceof KeywardError && err.code === "unseal_failed")
        throw new KeywardError(
          "unseal_failed",
          `these ${this.#split.threshold} shares do not unseal the store: progress was reset; submit ${this.#split.threshold} shares again`,
        );
      throw err;
    }
  }

  #fail(): void {
    this.#failed++;
    this.#reset();
  }

  #reset(): void {
    wipe(...this.#shares);
    this.#shares = [];
    this.#clients = [];
  }
}

/**
 * The `open` of a served key-share store: opens the service with the shares and audits the unseal
 * (`sys.unseal`: the client addresses, the failed attempts before it; never a share).
 */
export function keywardOpener(
  config: KeywardConfig,
  options: KeywardOptions = {},
): (material: UnsealMaterial, attempt: UnsealAttempt) => Promise<Keyward> {
  return async (material, attempt) => {
    const kw = await openKeyward({ ...config, unseal: material }, options);
    try {
      await kw.storage.transaction(async (tx) => {
        await kw.audit.append(tx, {
          kind: "sys.unseal",
          subject: "store",
          actor: attempt.clients.at(-1) ?? "unknown",
          data: { clients: attempt.clients.join(","), failedAttempts: String(attempt.failedAttempts) },
        });
      });
      return kw;
    } catch (err) {
      await kw.close();
      throw err;
    }
  };
}
