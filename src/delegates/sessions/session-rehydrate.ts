// Rehydration of delegated sessions at start: keys loaded by reference, a session without its secret dropped.
import { hexToBytes } from "../../crypto/bytes.js";
import { type RehydrationEvent, type RehydrationSpec, rehydrateAll } from "../../store/rehydrate.js";
import type { DelegatesContext } from "../ports.js";
import { type SessionRecord, TABLES } from "../records.js";
import type { SessionKeys, SessionSigner } from "./session-keys.js";

/** What `rehydrate` did with each persisted session (the store's rehydration helper decides). */
export interface RehydrateReport {
  readonly loaded: readonly string[];
  /** Secret gone: dropped with its pending actions and an explicit `delegate.session.dropped` audit event. */
  readonly dropped: readonly { readonly id: string; readonly reason: "secret_missing" }[];
  /** Left in place, not loaded (I/O or unsealing error, or a key that does not match): retried next start. */
  readonly kept: readonly { readonly id: string; readonly reason: string }[];
}

/**
 * `DelegateSessions.rehydrate`: loads every persisted session's signer into `live` with the store's rehydration
 * helper; a session whose secret is gone is cleaned up (index, pending actions, audit event).
 */
export async function rehydrateSessions(
  ctx: DelegatesContext,
  keys: SessionKeys,
  live: Map<string, SessionSigner>,
): Promise<RehydrateReport> {
  const spec: RehydrationSpec<SessionRecord> = {
    table: TABLES.session,
    secretRef: (r) => r.secret,
    publicKey: (r) => hexToBytes(r.publicKey, "publicKey", 32),
    derivePublicKey: (secret) => keys.publicKey(secret),
  };
  const records = new Map<string, SessionRecord>();
  for await (const { key, value } of TABLES.session.scan(ctx.storage.state)) records.set(key, value);
  const kept: { id: string; reason: string }[] = [];
  const dropped: { id: string; reason: "secret_missing" }[] = [];
  const report = await rehydrateAll(ctx.storage, spec, (e: RehydrationEvent) => {
    if (e.type === "kept") kept.push({ id: e.key, reason: e.reason });
    if (e.type === "dropped") dropped.push({ id: e.key, reason: e.reason });
  });
  const loaded: string[] = [];
  for (const { key, secret } of report.restored) {
    try {
      live.set(key, keys.signer(secret));
      loaded.push(key);
    } finally {
      secret.wipe();
    }
  }
  for (const d of dropped) {
    const record = records.get(d.id);
    if (record) await cleanUpDropped(ctx, record);
  }
  return { loaded, dropped, kept };
}

/** After the helper deleted a session whose secret is gone: its index, pending actions and the event. */
async function cleanUpDropped(ctx: DelegatesContext, s: SessionRecord): Promise<void> {
  const actions: string[] = [];
  for await (const { key, value } of TABLES.action.scan(ctx.storage.state))
    if (value.session === s.id) actions.push(key);
  await ctx.storage.transaction(async (tx) => {
    await TABLES.sessionByDelegate.delete(tx.state, `${s.delegate}/${s.id}`);
    for (const k of actions) await TABLES.action.delete(tx.state, k);
    await ctx.audit.append(tx, {
      kind: "delegate.session.dropped",
      subject: `session:${s.id}`,
      data: { delegate: s.delegate, reason: "secret_missing", droppedActions: actions.length },
    });
  });
}
