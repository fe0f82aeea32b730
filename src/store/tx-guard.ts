// Detects a backend's auto-commit API being used from inside one of its own transactions (a deadlock trap).
import { AsyncLocalStorage } from "node:async_hooks";
import { KeywardError } from "../errors/keyward-error.js";

/** One running transaction of `owner`; `live` turns false when it ends. */
interface Frame {
  readonly owner: object;
  live: boolean;
}

const active = new AsyncLocalStorage<readonly Frame[]>();
// Transactions running now (any owner). Once it has stayed at 0 for IDLE_MS the storage is disabled: Node 20
// implements it with async hooks, which otherwise tax every promise and socket of the process (the HTTP hot
// path) long after the last transaction (issue 12). Not on every return to 0: a caller running one transaction
// after another (a lone signer) would switch the hooks on and off for each. Contexts left on async resources by
// ended transactions hold only dead frames.
let running = 0;
const IDLE_MS = 50;
let idle: ReturnType<typeof setTimeout> | undefined;

function disableWhenIdle(): void {
  idle = undefined;
  if (running === 0) active.disable();
}

/** Runs `fn` marked as inside a transaction of `owner` (a backend instance). */
export async function runInTransaction<T>(owner: object, fn: () => Promise<T>): Promise<T> {
  const frame: Frame = { owner, live: true };
  const outer = running > 0 ? (active.getStore() ?? []) : [];
  running++;
  try {
    return await active.run(outer.length ? [...outer.filter((f) => f.live), frame] : [frame], fn);
  } finally {
    frame.live = false;
    // unref: a pending disable never keeps the process alive.
    if (--running === 0 && idle === undefined) idle = setTimeout(disableWhenIdle, IDLE_MS).unref();
  }
}

/**
 * Throws when the caller runs inside a transaction of `owner`. On SQLite the auto-commit call would wait for
 * the transaction that awaits it (deadlock); on Postgres it would run outside the transaction (lost
 * atomicity, or a lock wait on its own rows). Either way the fix is to use `tx.state` / `tx.secrets`.
 * Free when no transaction is running.
 * @throws KeywardError `internal` (a programming error, not a user error).
 */
export function assertOutsideTransaction(owner: object, what: string): void {
  if (running === 0) return;
  if (active.getStore()?.some((f) => f.live && f.owner === owner))
    throw new KeywardError(
      "internal",
      `${what} called inside a transaction of the same storage: use tx.state / tx.secrets (or finish the transaction first)`,
    );
}
