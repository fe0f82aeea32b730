// Custody's signer: concurrent sign requests group-committed in one transaction, large Ed25519 batches
// pipelined with the sign pool (signatures on its worker while the batch's audit entries are appended).
import { ed25519Sign } from "../crypto/ed25519.js";
import type { Ed25519SignPool } from "../crypto/ed25519-pool.js";
import type { StorageTx } from "../store/ports.js";
import { type CustodyContext, runTx } from "./context.js";
import { type SignRequest, type SignResult, type StartedSignature, signInTx } from "./key-use.js";
import { type IdentityRef, preparePath } from "./path-ops.js";
import { PoolPolicy, type SignMode } from "./pool-policy.js";
import type { PathRecord } from "./records.js";
import { TxBatcher } from "./tx-batcher.js";

/** The batcher behind `Custody.sign` and `Custody.signMany`. */
export type BatchSigner = TxBatcher<StorageTx, SignRequest, SignResult, StartedSignature>;

/**
 * Batches of at least this many requests may sign Ed25519 on the sign pool's worker while the batch's audit
 * entries are built (when `PoolPolicy` measures that it pays); smaller ones (a lone caller) sign inline, with
 * no hand-off latency (BENCHMARKS.md).
 */
export const SIGN_POOL_THRESHOLD = 4;

/** A batch that starts within this long after the previous one's signatures were done follows it back to back. */
const BACK_TO_BACK_MS = 3;

/**
 * The signer of a custody instance. Concurrent signatures share one transaction (group commit); each is still
 * audited before it returns. The batch's audit entries are appended together at its end (one chain-head read
 * and write per batch). Within one batch's transaction, each path is resolved once: signatures never change a
 * path, and a refused request makes the batcher redo every request in a transaction of its own (fresh memo).
 * `at(actor)` is the context of a call by `actor`.
 */
export function batchSigner(
  ctx: CustodyContext,
  pool: Ed25519SignPool,
  at: (actor: string | undefined) => CustodyContext,
): BatchSigner {
  const prepared = new WeakMap<StorageTx, Map<string, Promise<PathRecord>>>();
  const prepareOnce = (tx: StorageTx, ref: IdentityRef, actor: string | undefined) => {
    let memo = prepared.get(tx);
    if (!memo) {
      memo = new Map();
      prepared.set(tx, memo);
    }
    const key = JSON.stringify([ref.partition, ref.identity, ref.label ?? ""]);
    let rec = memo.get(key);
    if (!rec) {
      // The request that resolves the path first names the caller of its creation or MSK move, if any.
      rec = preparePath(at(actor), tx, ref, { create: true, requireActive: true });
      memo.set(key, rec);
    }
    return rec;
  };
  const pooled = (key: Uint8Array, message: Uint8Array) => pool.sign(key, message);
  // A batch's way of signing (pool or inline, chosen by `policy` at its first request) and its start time.
  // What a way costs is measured from one batch's start to the next one's, while batches follow each other
  // (the next starts right after the commit): that span holds the commit and the callers' turn too, so the
  // cost of sharing the cores with a worker shows. Spans with idle time in them are not counted.
  const policy = new PoolPolicy();
  interface Way {
    readonly mode: SignMode;
    readonly start: number;
    readonly measured: boolean;
    signatures: number;
    done: number;
  }
  const ways = new WeakMap<StorageTx, Way>();
  let last: Way | undefined;
  const wayOf = (tx: StorageTx, req: SignRequest, size: number) => {
    if (req.scheme !== "ed25519" || size < SIGN_POOL_THRESHOLD || !pool.active) return undefined;
    let way = ways.get(tx);
    if (!way) {
      const now = performance.now();
      if (last?.measured && last.done > 0 && now - last.done < BACK_TO_BACK_MS)
        policy.record(last.mode, now - last.start, last.signatures);
      // A batch that starts the worker is not measured (this thread signs it while the worker boots).
      way = { mode: policy.choose(), start: now, measured: pool.workers > 0, signatures: 0, done: 0 };
      ways.set(tx, way);
      last = way;
    }
    return way;
  };
  // Pipeline of a large batch: each request's path, seed and hand-off to the pool's worker, then the audit
  // entries appended while the worker signs, then the signatures awaited, then the commit.
  return new TxBatcher<StorageTx, SignRequest, SignResult, StartedSignature>(
    (fn) => runTx(ctx, fn),
    (tx, req, size) =>
      signInTx(
        ctx,
        tx,
        req,
        (ref) => prepareOnce(tx, ref, req.actor),
        wayOf(tx, req, size)?.mode === "pool" ? pooled : ed25519Sign,
      ),
    async (tx, started) => {
      pool.flush();
      const events = started.map((s) => s.event);
      const audit = ctx.audit;
      if (audit.appendMany) await audit.appendMany(tx, events);
      else for (const e of events) await audit.append(tx, e);
      pool.help(); // signs here what the worker has not started, rather than waiting for it
      const results = await Promise.all(started.map((s) => s.result));
      const way = ways.get(tx);
      if (way) {
        way.signatures = started.length;
        way.done = performance.now();
      }
      return results;
    },
  );
}
