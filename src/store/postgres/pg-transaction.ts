// One attempt of a PostgreSQL transaction: SERIALIZABLE, BEGIN deferred so that locks taken first precede the snapshot.
import type pg from "pg";
import type { LockMode, TxLocks } from "../ports.js";
import type { RawTx } from "../raw.js";
import { runInTransaction } from "../tx-guard.js";
import { checkLockArgs, orderedLockIds } from "../tx-locks.js";

/**
 * Runs one statement on the transaction's client. A `name` makes it a prepared statement, parsed once per
 * connection (hot statements with fixed text only).
 */
export type PgQuery = (sql: string, params?: unknown[], name?: string) => Promise<pg.QueryResult>;

/** The argument of `client.query` / `pool.query` for `PgQuery`'s parameters. */
export function pgQueryConfig(
  sql: string,
  params: unknown[] | undefined,
  name: string | undefined,
): pg.QueryConfig {
  return name === undefined ? { text: sql, values: params } : { name, text: sql, values: params };
}

function lockFunction(mode: LockMode, inTransaction: boolean): string {
  const base = inTransaction ? "pg_advisory_xact_lock" : "pg_advisory_lock";
  return mode === "shared" ? `${base}_shared` : base;
}

/**
 * Runs `fn` once in a SERIALIZABLE transaction on a pooled client (retries are the caller's). `BEGIN` is sent
 * with the first statement, not before: locks taken before any read are session-level advisory locks acquired
 * outside the transaction, so its snapshot (taken by its first statement) already holds everything the previous
 * holder committed; they are released right after COMMIT or ROLLBACK. Locks taken later are transaction-level.
 * A client whose ROLLBACK or unlock failed is discarded by the pool (its locks end with its connection).
 */
export async function pgTransactionAttempt<T>(
  pool: pg.Pool,
  owner: object,
  schema: string,
  ops: (query: PgQuery) => RawTx,
  fn: (tx: RawTx & TxLocks) => Promise<T>,
): Promise<T> {
  const client = await pool.connect();
  let begun = false;
  let sessionLocks = false;
  let unlocked = false;
  let broken: Error | undefined;
  const query: PgQuery = async (sql, params, name) => {
    if (!begun) {
      begun = true;
      await client.query("BEGIN ISOLATION LEVEL SERIALIZABLE");
    }
    return client.query(pgQueryConfig(sql, params, name));
  };
  const lock = async (scope: string, keys: string | readonly string[], mode: LockMode): Promise<void> => {
    const ids = orderedLockIds(schema, scope, checkLockArgs(scope, keys, mode));
    const call = lockFunction(mode, begun);
    if (!begun) sessionLocks = true;
    for (const id of ids) await client.query(`SELECT ${call}($1::bigint)`, [id.toString()]);
  };
  try {
    const tx = Object.assign(ops(query), { lock });
    const out = await runInTransaction(owner, () => fn(tx));
    if (begun && sessionLocks) {
      // One round trip: the unlock runs only if COMMIT succeeded (a failed statement ends a multi-statement
      // query); otherwise `finally` releases the locks after the rollback.
      await client.query("COMMIT; SELECT pg_advisory_unlock_all()");
      unlocked = true;
    } else if (begun) await client.query("COMMIT");
    return out;
  } catch (err) {
    if (begun)
      await client.query("ROLLBACK").catch((e: Error) => {
        broken = e;
      });
    throw err;
  } finally {
    if (sessionLocks && !unlocked && !broken)
      await client.query("SELECT pg_advisory_unlock_all()").catch((e: Error) => {
        broken = e;
      });
    client.release(broken);
  }
}
