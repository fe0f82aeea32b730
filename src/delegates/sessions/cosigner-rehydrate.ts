// Cosigner sessions at start: open rounds of an earlier process are aborted (their secret nonces destroyed) and
// round 1 starts again; a session whose imported share is gone is dropped with an audit event.
import { isKeywardError } from "../../errors/keyward-error.js";
import type { DelegatesContext } from "../ports.js";
import { delegateNamespace } from "../records.js";
import { COSIGNER_TABLES, type CosignerRecord } from "./cosigner-records.js";
import { abortRound, startRound } from "./cosigner-rounds.js";
import { type CosignerSharePort, withShareTx } from "./cosigner-shares.js";

/** What rehydration did with each cosigner session. */
export interface CosignerRehydrateReport {
  readonly loaded: readonly string[];
  /** An open round was aborted at this start; `round` is the new round 1 (absent when expired / exhausted). */
  readonly restarted: readonly { readonly id: string; readonly aborted: number; readonly round?: number }[];
  readonly dropped: readonly { readonly id: string; readonly reason: "share_missing" }[];
  /**
   * Not restarted (I/O, unsealing, custody or a changed share): an open round was still aborted first; the
   * session stays and is retried next start.
   */
  readonly kept: readonly { readonly id: string; readonly reason: string }[];
}

/** See DelegateCosigners.rehydrate. */
export async function rehydrateCosigners(
  ctx: DelegatesContext,
  shares: CosignerSharePort | undefined,
): Promise<CosignerRehydrateReport> {
  const sessions: CosignerRecord[] = [];
  for await (const { value } of COSIGNER_TABLES.session.scan(ctx.storage.state)) sessions.push(value);
  const loaded: string[] = [];
  const restarted: { id: string; aborted: number; round?: number }[] = [];
  const dropped: { id: string; reason: "share_missing" }[] = [];
  const kept: { id: string; reason: string }[] = [];
  for (const s of sessions) {
    try {
      // First, without the share (so nothing can keep it from happening): a round left open is aborted and its
      // secret nonces destroyed. A nonce that outlived its process is never used: the process may have died
      // after computing a partial signature it could not record, and a restored backup may hold used nonces.
      const aborted = await ctx.storage.transaction(async (tx) => {
        const cur = await COSIGNER_TABLES.session.get(tx.state, s.id);
        return cur && (await abortRound(ctx, tx, cur, "restart")) ? cur.round : 0;
      });
      if (
        s.share.kind === "imported" &&
        !(await ctx.storage.secrets.has(delegateNamespace(s.delegate), s.share.name))
      ) {
        await dropSession(ctx, s);
        dropped.push({ id: s.id, reason: "share_missing" });
        continue;
      }
      if (aborted === 0) {
        loaded.push(s.id);
        continue;
      }
      // Then round 1 again, with the share (unless the session expired or used its rounds).
      const round = await withShareTx(
        ctx.storage,
        shares,
        s,
        `cosigner:${s.id}:rehydrate`,
        async (tx, share) => {
          const cur = await COSIGNER_TABLES.session.get(tx.state, s.id);
          if (!cur || ctx.now() >= cur.expiresAt || cur.round >= cur.maxRounds) return undefined;
          return (await startRound(ctx, tx, cur, share, "restart")).round;
        },
      );
      loaded.push(s.id);
      restarted.push({ id: s.id, aborted, ...(round !== undefined ? { round } : {}) });
    } catch (err) {
      kept.push({ id: s.id, reason: isKeywardError(err) ? err.code : "error" });
    }
  }
  return { loaded, restarted, dropped, kept };
}

/** Drops a session whose share is gone: its record, index, rounds' nonces (destroyed unused) and an event. */
async function dropSession(ctx: DelegatesContext, s: CosignerRecord): Promise<void> {
  await ctx.storage.transaction(async (tx) => {
    const cur = await COSIGNER_TABLES.session.get(tx.state, s.id);
    if (!cur) return;
    await abortRound(ctx, tx, cur, "share_missing");
    await COSIGNER_TABLES.session.delete(tx.state, s.id);
    await COSIGNER_TABLES.byDelegate.delete(tx.state, `${s.delegate}/${s.id}`);
    await ctx.audit.append(tx, {
      kind: "delegate.cosigner.dropped",
      subject: `cosigner:${s.id}`,
      data: { delegate: s.delegate, reason: "share_missing", round: cur.round },
    });
  });
}
