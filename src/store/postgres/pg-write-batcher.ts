// Group commit of auto-commit upserts on PostgreSQL: concurrent writes of one instance share one statement and commit.

/** Writes rows with one statement (one implicit transaction: all of them commit, or none). */
export type WriteMany<Row> = (rows: readonly Row[]) => Promise<void>;

interface Pending<Row> {
  readonly key: string;
  readonly row: Row;
  readonly resolve: () => void;
  readonly reject: (err: unknown) => void;
}

/** Tuning of a `WriteBatcher`. */
export interface WriteBatcherOptions {
  /** Statements in flight at once (each holds one pooled connection); default 2. */
  readonly inFlight?: number;
  /** Rows per statement at most; default 256. */
  readonly maxRows?: number;
}

/**
 * Batches single-row upserts made outside transactions. A write queued while fewer than `inFlight` statements
 * run starts one on the next event-loop turn, taking every write queued by then; writes queued while all run
 * go into the statement that starts when one of them ends. So N concurrent writers pay one round trip, one
 * parse and one commit (one WAL flush) instead of N, and a lone writer waits one turn more than before. Each
 * caller is answered only after the statement holding its row committed. A statement that fails is run again
 * row by row, so one failure never fails or commits another caller's write. Two writes of one key never share
 * a statement (an upsert may not touch a row twice): the later one waits for the next; writes to one key that
 * are in flight together were concurrent, so either order is a valid outcome. Rows go in key order, so two
 * statements in flight together never deadlock on each other's rows.
 */
export class WriteBatcher<Row> {
  #queue: Pending<Row>[] = [];
  #running = 0;
  #scheduled = false;
  #idle: (() => void)[] = [];
  readonly #inFlight: number;
  readonly #maxRows: number;

  constructor(
    private readonly writeMany: WriteMany<Row>,
    options: WriteBatcherOptions = {},
  ) {
    this.#inFlight = options.inFlight ?? 2;
    this.#maxRows = options.maxRows ?? 256;
    if (!Number.isInteger(this.#inFlight) || this.#inFlight < 1)
      throw new RangeError("options.inFlight must be an integer ≥ 1");
    if (!Number.isInteger(this.#maxRows) || this.#maxRows < 1)
      throw new RangeError("options.maxRows must be an integer ≥ 1");
  }

  /** Queues the upsert of `row` under `key`; resolves once it committed, or rejects with its own error. */
  submit(key: string, row: Row): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.#queue.push({ key, row, resolve, reject });
      this.#schedule();
    });
  }

  /** Resolves once no write is queued or running (for close). */
  drain(): Promise<void> {
    if (this.#queue.length === 0 && this.#running === 0) return Promise.resolve();
    return new Promise((resolve) => this.#idle.push(resolve));
  }

  #schedule(): void {
    if (this.#scheduled || this.#running >= this.#inFlight || this.#queue.length === 0) return;
    this.#scheduled = true;
    // setImmediate lets every write of this turn (e.g. all requests parsed from one socket read) join.
    setImmediate(() => {
      this.#scheduled = false;
      void this.#flush();
    });
  }

  /** Takes up to maxRows queued writes, at most one per key, in queue order. */
  #take(): Pending<Row>[] {
    const keys = new Set<string>();
    const batch: Pending<Row>[] = [];
    const rest: Pending<Row>[] = [];
    for (const p of this.#queue) {
      if (batch.length < this.#maxRows && !keys.has(p.key)) {
        keys.add(p.key);
        batch.push(p);
      } else rest.push(p);
    }
    this.#queue = rest;
    // One key order for every statement: two statements in flight together lock their rows in the same order.
    return batch.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  }

  async #flush(): Promise<void> {
    if (this.#running >= this.#inFlight || this.#queue.length === 0) return this.#settle();
    this.#running++;
    try {
      const batch = this.#take();
      // A failed multi-row statement committed nothing: each write runs alone and gets its own answer.
      if (batch.length === 1 || !(await this.#tryMany(batch))) for (const p of batch) await this.#runOne(p);
    } finally {
      this.#running--;
    }
    if (this.#queue.length > 0) void this.#flush();
    else this.#settle();
  }

  async #tryMany(batch: readonly Pending<Row>[]): Promise<boolean> {
    try {
      await this.writeMany(batch.map((p) => p.row));
    } catch {
      return false;
    }
    for (const p of batch) p.resolve();
    return true;
  }

  async #runOne(p: Pending<Row>): Promise<void> {
    try {
      await this.writeMany([p.row]);
      p.resolve();
    } catch (err) {
      p.reject(err);
    }
  }

  #settle(): void {
    this.#schedule();
    if (this.#queue.length > 0 || this.#running > 0) return;
    for (const f of this.#idle.splice(0)) f();
  }
}
