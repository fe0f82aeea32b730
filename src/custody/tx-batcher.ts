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
 * `work` may return an intermediate value (`Work`) that `finish` turns into the results in the same
 * transaction, before the commit: e.g. work starts each signature, finish appends the batch's audit entries
 * while they are computed and then awaits them. Without `finish`, the work values are the results.
 *
 * @example
 * const signer = new TxBatcher(runInTx, (tx, req) => signAndAudit(tx, req));
 * const result = await signer.submit(request);
 */
export class TxBatcher<Tx, Req, Res, Work = Res> {
  readonly #run: TxRunner<Tx>;
  readonly #work: (tx: Tx, req: Req, batchSize: number) => Promise<Work>;
  readonly #finish: ((tx: Tx, done: Work[]) => Promise<Res[]>) | undefined;
  readonly #maxBatch: number;
  #queue: Pending<Req, Res>[] = [];
  #flushing = false;

  /**
   * @param work - one request's work inside the shared transaction; `batchSize` is how many requests share it
   *   (1 when a request runs alone, also on the retry of a failed batch).
   * @param finish - optional step after every request's work, in the same transaction (e.g. one audit append
   *   for the whole batch), returning the results in request order.
   */
  constructor(
    run: TxRunner<Tx>,
    work: (tx: Tx, req: Req, batchSize: number) => Promise<Work>,
    finish?: (tx: Tx, done: Work[]) => Promise<Res[]>,
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

  /** The results of `reqs` in one transaction: every request's work, then `finish`. */
  async #runAll(tx: Tx, reqs: Req[]): Promise<Res[]> {
    const done: Work[] = [];
    for (const req of reqs) done.push(await this.#work(tx, req, reqs.length));
    if (this.#finish) return this.#finish(tx, done);
    return done as unknown as Res[];
  }

  /** True when the whole batch committed and every request was resolved. */
  async #runBatch(batch: Pending<Req, Res>[]): Promise<boolean> {
    let results: Res[];
    try {
      results = await this.#run((tx) =>
        this.#runAll(
          tx,
          batch.map((p) => p.req),
        ),
      );
    } catch {
      return false; // nothing committed: each request is retried alone and gets its own answer
    }
    for (const [i, p] of batch.entries()) p.resolve(results[i]!);
    return true;
  }

  async #runOne(p: Pending<Req, Res>): Promise<void> {
    try {
      p.resolve((await this.#run((tx) => this.#runAll(tx, [p.req])))[0]!);
    } catch (err) {
      p.reject(err);
    }
  }
}
