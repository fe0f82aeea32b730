// Detects a backend's auto-commit API being used from inside one of its own transactions (a deadlock trap).
import { AsyncLocalStorage } from "node:async_hooks";
import { KeywardError } from "../errors/keyward-error.js";

const active = new AsyncLocalStorage<ReadonlySet<object>>();

/** Runs `fn` marked as inside a transaction of `owner` (a backend instance). */
export function runInTransaction<T>(owner: object, fn: () => Promise<T>): Promise<T> {
  const outer = active.getStore();
  return active.run(new Set([...(outer ?? []), owner]), fn);
}

/**
 * Throws when the caller runs inside a transaction of `owner`. On SQLite the auto-commit call would wait for
 * the transaction that awaits it (deadlock); on Postgres it would run outside the transaction (lost
 * atomicity, or a lock wait on its own rows). Either way the fix is to use `tx.state` / `tx.secrets`.
 * @throws KeywardError `internal` (a programming error, not a user error).
 */
export function assertOutsideTransaction(owner: object, what: string): void {
  if (active.getStore()?.has(owner))
    throw new KeywardError(
      "internal",
      `${what} called inside a transaction of the same storage: use tx.state / tx.secrets (or finish the transaction first)`,
    );
}
