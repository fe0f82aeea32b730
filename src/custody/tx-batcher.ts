// Group commit: requests that arrive together run in one storage transaction (one commit for many signatures).

/** Runs `fn` in one transaction of the caller's storage (with the caller's retry policy). */
export type TxRunner<Tx> = <T>(fn: (tx: Tx) => Promise<T>) => Promise<T>;

interface Pending<Req, Res> {
  readonly req: Req;
  readonly resolve: (value: Res) => void;
  readonly reject: (err: unknown) => void;
}

/**
 * Collects requests submitted in the same event-loop turn (and while a batch is committing) and runs them
 * in one transaction, each with its own work inside it. A request resolves only after its transaction
 * committed, so nothing is reported that was not durably recorded. If the batch transaction fails for any
 * reason (e.g. one request is refused), every request of that batch is retried in its own transaction, so
 * one refusal never fails or commits another request's work.
 *
 * @example
 * const signer = new TxBatcher(runInTx, (tx, req) => signAndAudit(tx, req));
 * const result = await signer.submit(request);
 */
export class TxBatcher<Tx, Req, Res> {
  readonly #run: TxRunner<Tx>;
  readonly #work: (tx: Tx, req: Req) => Promise<Res>;
  readonly #finish: ((tx: Tx, results: Res[]) => Promise<void>) | undefined;
  readonly #maxBatch: number;
  #queue: Pending<Req, Res>[] = [];
  #flushing = false;

  /**
   * @param work - one request's work inside the shared transaction.
   * @param finish - optional step after every request's work, in the same transaction (e.g. one audit append
   *   for the whole batch).
   */
  constructor(
    run: TxRunner<Tx>,
    work: (tx: Tx, req: Req) => Promise<Res>,
    finish?: (tx: Tx, results: Res[]) => Promise<void>,
    maxBatch = 256,
  ) {
    this.#run = run;
    this.#work = work;
    this.#finish = finish;
    this.#maxBatch = maxBatch;
  }

  /** Queues `req`; resolves with its result once its transaction committed, or rejects with its own error. */
  submit(req: Req): Promise<Res> {
    return new Promise<Res>((resolve, reject) => {
      this.#queue.push({ req, resolve, reject });
      if (!this.#flushing) {
        this.#flushing = true;
        // setImmediate lets every caller of this turn join the batch (a lone caller waits one turn).
        setImmediate(() => void this.#flush());
      }
    });
  }

  async #flush(): Promise<void> {
    try {
      while (this.#queue.length > 0) {
        const batch = this.#queue.splice(0, this.#maxBatch);
        if (batch.length > 1 && (await this.#runBatch(batch))) continue;
        for (const p of batch) await this.#runOne(p);
      }
    } finally {
      this.#flushing = false;
    }
  }

  /** True when the whole batch committed and every request was resolved. */
  async #runBatch(batch: Pending<Req, Res>[]): Promise<boolean> {
    let results: Res[];
    try {
      results = await this.#run(async (tx) => {
        const out: Res[] = [];
        for (const p of batch) out.push(await this.#work(tx, p.req));
        await this.#finish?.(tx, out);
        return out;
      });
    } catch {
      return false; // nothing committed: each request is retried alone and gets its own answer
    }
    for (const [i, p] of batch.entries()) p.resolve(results[i]!);
    return true;
  }

  async #runOne(p: Pending<Req, Res>): Promise<void> {
    try {
      p.resolve(
        await this.#run(async (tx) => {
          const result = await this.#work(tx, p.req);
          await this.#finish?.(tx, [result]);
          return result;
        }),
      );
    } catch (err) {
      p.reject(err);
    }
  }
}
