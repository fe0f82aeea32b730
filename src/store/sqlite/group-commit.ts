// Group commit of auto-commit writes on one SQLite connection: writes queued while the connection is busy
// share one transaction, and each caller is answered only after that commit.
import type Database from "better-sqlite3";
import type { Mutex } from "./connection.js";

interface Pending {
  readonly fn: () => unknown;
  readonly resolve: (value: unknown) => void;
  readonly reject: (err: unknown) => void;
}

/**
 * Batches single-statement writes made outside transactions. A write waits for the connection's mutex like
 * any other operation; when it gets it, every write queued meanwhile runs in one BEGIN IMMEDIATE … COMMIT,
 * so N concurrent writers pay one commit instead of N (WAL append and lock handshake). A lone write runs in
 * auto-commit exactly as before. If any statement of a batch fails, the batch is rolled back and every
 * write is run again on its own, so one failure never fails or commits another caller's write.
 */
export class GroupCommit {
  #pending: Pending[] = [];
  #scheduled = false;

  constructor(
    private readonly db: Database.Database,
    private readonly mutex: Mutex,
    private readonly begin: Database.Statement,
    private readonly commit: Database.Statement,
    private readonly rollback: Database.Statement,
  ) {}

  /** Runs `fn` (one synchronous write) in the next group commit; resolves with its result once committed. */
  submit<T>(fn: () => T): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.#pending.push({ fn, resolve: resolve as (v: unknown) => void, reject });
      if (this.#scheduled) return;
      this.#scheduled = true;
      void this.mutex.run(async () => this.#flush());
    });
  }

  #flush(): void {
    // Writes submitted from here on schedule the next flush, after whatever queued on the mutex meanwhile.
    this.#scheduled = false;
    const batch = this.#pending;
    this.#pending = [];
    if (batch.length === 1) {
      runAlone(batch[0]!);
      return;
    }
    const results: unknown[] = [];
    try {
      this.begin.run();
      for (const w of batch) results.push(w.fn());
      this.commit.run();
    } catch {
      if (this.db.inTransaction) this.rollback.run();
      for (const w of batch) runAlone(w);
      return;
    }
    for (const [i, w] of batch.entries()) w.resolve(results[i]);
  }
}

function runAlone(w: Pending): void {
  try {
    w.resolve(w.fn());
  } catch (err) {
    w.reject(err);
  }
}
