// Writes delegation events durably (gap-free log, idempotent ids, optimistic retries) and keeps the index current.
import { KeywardError } from "../errors/keyward-error.js";
import type { Storage, StorageTx } from "../store/ports.js";
import { DelegationIndex } from "./delegation-index.js";
import { boundEventHash, eventRecords, hashHex, idRecords, seqKey, syncIndex } from "./event-log.js";
import { type DelegationEvent, eventHash, parseEvent } from "./events.js";
import { assertPosition } from "./ids.js";
import {
  loadIndexSnapshot,
  SNAPSHOT_EVERY_EVENTS,
  type SnapshotWriteResult,
  writeIndexSnapshot,
} from "./snapshot-store.js";

/** What happened to one event of a batch. */
export type WriteOutcome =
  | { readonly status: "applied"; readonly seq: number }
  /** The id was already applied with the same event: nothing written. */
  | { readonly status: "duplicate"; readonly seq: number };

/** Refusal of one event of a batch: nothing of the batch was written. `index` is the event's position. */
export class BatchRefusedError extends KeywardError {
  constructor(
    readonly index: number,
    readonly refusal: KeywardError,
  ) {
    super(refusal.code, refusal.message, { index });
  }
}

/** How `DelegationStore.open` built its index. */
export interface OpenReport {
  /**
   * `loaded`: from the stored snapshot at `snapshotSeq`, then the later events; `none`: no snapshot stored;
   * `newer`: the snapshot is past the requested `upToSeq`; `failed`: the snapshot did not load (`error` says
   * why) — in the last three cases the whole log was replayed.
   */
  readonly snapshot: "loaded" | "none" | "newer" | "failed";
  /** Position of the stored snapshot (when one was found). */
  readonly snapshotSeq?: number;
  /** Why the snapshot was not used (`failed` only). */
  readonly error?: string;
  /** Events replayed from the log. */
  readonly replayed: number;
  /** Wall time of the whole open, in ms. */
  readonly ms: number;
}

/** Another writer took the next sequence number first: a lost race, the transaction is retried on fresh state. */
function seqTaken(): KeywardError {
  return new KeywardError("conflict", "delegation log: sequence number taken concurrently", {
    retryable: true,
  });
}

/**
 * The delegations domain over a Storage: an index rebuilt from the log at `open`, writes through the log, and
 * `sync()` to pick up events written by other instances sharing the database.
 *
 * Writes are optimistic: catch up with the log, validate the batch against the index (simulated, then undone),
 * and insert events at lastSeq+1, lastSeq+2, … with create-only inserts in one transaction. A concurrent writer
 * that took a sequence number makes the insert fail, and the whole batch is retried on fresh state, so the log
 * is gap-free and in commit order, and every instance applies the same events in the same order.
 * @example
 * const store = await DelegationStore.open(storage);
 * await store.write([{ op: "grant", delegator: 1234, provider: "A", scopes: [1], at: 100 }]);
 * store.index.check(1234, "A", 1, 150).authorized; // true
 */
export class DelegationStore {
  #syncing: Promise<number> | undefined;
  /** Position of the newest snapshot this instance loaded or wrote (0 = none). */
  #snapshotSeq = 0;
  #opened: OpenReport = { snapshot: "none", replayed: 0, ms: 0 };

  private constructor(
    readonly storage: Storage,
    readonly index: DelegationIndex,
  ) {}

  /**
   * Opens the domain: loads the stored index snapshot when it covers at most `upToSeq`, then replays only the
   * later events (the whole log when there is no usable snapshot; a corrupt one never fails the open — see
   * `opened`), then compacts the index.
   * @param upToSeq - stop after this sequence number (to rebuild the state a checkpoint covers).
   * @throws {TypeError|RangeError} when `upToSeq` is not a position.
   */
  static async open(storage: Storage, upToSeq?: number): Promise<DelegationStore> {
    if (upToSeq !== undefined) assertPosition(upToSeq, "upToSeq");
    const t0 = performance.now();
    const snap = await loadIndexSnapshot(storage, upToSeq);
    const loaded = snap.status === "loaded";
    const store = new DelegationStore(storage, loaded ? snap.index : new DelegationIndex());
    const replayed =
      upToSeq === undefined ? await store.sync() : await syncIndex(store.index, storage.state, upToSeq);
    if (!loaded || replayed > 0) store.index.compact();
    if (loaded) store.#snapshotSeq = snap.manifest.seq;
    store.#opened = {
      snapshot: snap.status,
      ...(snap.status === "loaded" ? { snapshotSeq: snap.manifest.seq } : {}),
      ...(snap.status === "newer" ? { snapshotSeq: snap.seq } : {}),
      ...(snap.status === "failed" ? { error: snap.reason } : {}),
      ...(snap.status === "failed" && snap.seq !== undefined ? { snapshotSeq: snap.seq } : {}),
      replayed,
      ms: performance.now() - t0,
    };
    return store;
  }

  /** How `open` built the index: snapshot loaded or why not, events replayed, time taken. */
  get opened(): OpenReport {
    return this.#opened;
  }

  /**
   * Stores a snapshot of the index at its current position (after a sync), replacing the previous one, so the
   * next `open` replays only the events after it. Nothing is written when another instance stored a later one.
   */
  async snapshot(): Promise<SnapshotWriteResult> {
    await this.sync();
    const result = await writeIndexSnapshot(this.storage, this.index);
    this.#snapshotSeq = Math.max(this.#snapshotSeq, result.seq);
    return result;
  }

  /**
   * `snapshot()` when at least `threshold` events were applied since the last snapshot this instance loaded
   * or wrote; otherwise undefined (nothing written).
   */
  async snapshotIfDue(threshold = SNAPSHOT_EVERY_EVENTS): Promise<SnapshotWriteResult | undefined> {
    assertPosition(threshold, "threshold");
    if (this.index.lastSeq - this.#snapshotSeq < threshold) return undefined;
    return this.snapshot();
  }

  /**
   * Applies events logged by any instance since the last sync (cheap when there are none: one range read).
   * Concurrent calls share one read. Returns the number of events applied.
   */
  sync(): Promise<number> {
    if (this.#syncing) return this.#syncing.then(() => this.sync());
    const run = syncIndex(this.index, this.storage.state).finally(() => {
      this.#syncing = undefined;
    });
    this.#syncing = run;
    return run;
  }

  /**
   * Validates and durably applies a batch of events, all or nothing. An event whose id was already applied
   * with the same content is a no-op (`duplicate`); an id reused for a different event is `conflict`.
   * `extra` runs inside the same transaction (e.g. to record import progress).
   * @throws {TypeError|RangeError} for a malformed event.
   * @throws BatchRefusedError (`conflict`, `not_found`) naming the refused event's position; nothing written.
   */
  async write(events: readonly unknown[], extra?: (tx: StorageTx) => Promise<void>): Promise<WriteOutcome[]> {
    const parsed = events.map((e, i) => {
      try {
        return parseEvent(e);
      } catch (err) {
        if (err instanceof TypeError || err instanceof RangeError)
          throw new BatchRefusedError(i, new KeywardError("invalid_input", err.message));
        throw err;
      }
    });
    const hashes = parsed.map((e) => (e.id === undefined ? "" : hashHex(eventHash(e))));
    let written: { seq: number; event: DelegationEvent }[] = [];
    // A sequence number taken by another writer rolls the batch back; the storage's one retry policy runs it
    // again on fresh state (store/retry.ts), `unavailable` once its attempts are spent.
    const outcomes = await this.storage.transaction(async (tx) => {
      written = [];
      await syncIndex(this.index, tx.state);
      const plan = await this.#plan(tx, parsed, hashes);
      let seq = this.index.lastSeq;
      for (const [i, e] of parsed.entries()) {
        if (plan[i]!.status !== "applied") continue;
        seq++;
        if (!(await eventRecords.insert(tx.state, seqKey(seq), e))) throw seqTaken();
        if (e.id !== undefined && !(await idRecords.insert(tx.state, e.id, { seq, hash: hashes[i]! })))
          throw seqTaken();
        written.push({ seq, event: e });
      }
      await extra?.(tx);
      return plan;
    });
    // Committed: apply in sequence order (a concurrent sync may already have applied some: skipped).
    for (const w of written) this.index.applyLogged(w.seq, w.event);
    return outcomes;
  }

  /** Decides each event's outcome against the current index without changing it. */
  async #plan(tx: StorageTx, events: DelegationEvent[], hashes: string[]): Promise<WriteOutcome[]> {
    const known = new Map<string, { seq: number; hash: string }>();
    for (const e of events) {
      if (e.id === undefined || known.has(e.id)) continue;
      const rec = await idRecords.get(tx.state, e.id);
      if (rec) known.set(e.id, { seq: rec.seq, hash: await boundEventHash(tx.state, rec) });
    }
    return this.index.simulate((index) => {
      let seq = index.lastSeq;
      return events.map((e, i): WriteOutcome => {
        const prior = e.id === undefined ? undefined : known.get(e.id);
        if (prior) {
          if (prior.hash === hashes[i]) return { status: "duplicate", seq: prior.seq };
          throw new BatchRefusedError(
            i,
            new KeywardError("conflict", "id was already used for a different event"),
          );
        }
        try {
          index.apply(e);
        } catch (err) {
          if (err instanceof KeywardError) throw new BatchRefusedError(i, err);
          throw err;
        }
        seq++;
        if (e.id !== undefined) known.set(e.id, { seq, hash: hashes[i]! });
        return { status: "applied", seq };
      });
    });
  }
}
