// Cosigner sessions (seed 001's MuSig2 cosigner): a secp256k1 share held only in the secret store, public
// session data in state, round 1 (nonces) and round 2 (partial signatures) each one transaction.
import { assertInteger, assertString } from "../../crypto/assert.js";
import { bytesToBase64url, bytesToHex, hexToBytes } from "../../crypto/bytes.js";
import { randomBytes } from "../../crypto/random.js";
import { InputRangeError } from "../../errors/input-errors.js";
import { KeywardError } from "../../errors/keyward-error.js";
import type { DelegatesContext } from "../ports.js";
import { lockLiveDelegate } from "../secrets.js";
import { assertSecretName, assertTime, delegateKeyHex } from "../validate.js";
import { aggregateRound, verifyPartials } from "./cosigner-finish.js";
import { assertMessages, type CosignerPlan, completeRows, keyPlan, maxRoundsOf } from "./cosigner-input.js";
import {
  COSIGNER_TABLES,
  type CosignerRecord,
  type RoundRecord,
  roundKey,
  type ShareRef,
} from "./cosigner-records.js";
import { type CosignerRehydrateReport, rehydrateCosigners } from "./cosigner-rehydrate.js";
import { aggNoncesOf, type NonceInput, signRound, startRound } from "./cosigner-rounds.js";
import {
  type CosignerSharePort,
  type CustodyShareRef,
  sharePublicKeyOf,
  withShareTx,
} from "./cosigner-shares.js";
import { type CosignerInfo, cosignerView } from "./cosigner-view.js";

/** Where a new session's share comes from: a secret of the delegate (by name), or a custody identity. */
export type ShareSource = { readonly imported: string } | { readonly custody: CustodyShareRef };

const newId = (): string => `cos_${bytesToBase64url(randomBytes(12))}`;

/**
 * MuSig2 cosigner sessions of delegates.
 * @example
 * const c = await delegates.cosigners.create(key, { imported: "dkg-secret.alice" }, { peers: [serverKey], messages, expiresAt });
 * const { pubNonces, round } = await delegates.cosigners.nonce(c.id);
 * const { partialSigs } = await delegates.cosigners.sign(c.id, round, { pubNonces: peerNonces });
 */
export class DelegateCosigners {
  constructor(
    private readonly ctx: DelegatesContext,
    private readonly shares?: CosignerSharePort,
  ) {}

  /**
   * Creates a session over an existing share (never copied): participants are KeySort(peers ∪ this signer).
   * Here and in the rounds below, `actor` (the caller) is recorded on the audit entries.
   * @throws KeywardError `not_found` (share), `migrated`, `invalid_contribution` (a peer key), invalid input.
   */
  async create(
    delegateKey: string | Uint8Array,
    source: ShareSource,
    plan: CosignerPlan,
    actor?: string,
  ): Promise<CosignerInfo> {
    const delegate = delegateKeyHex(delegateKey);
    const share = shareRefOf(source);
    assertMessages(plan.messages);
    assertTime(plan.expiresAt, "expiresAt");
    if (plan.fireAt !== undefined) assertTime(plan.fireAt, "fireAt");
    const maxRounds = maxRoundsOf(plan);
    const id = newId();
    const now = this.ctx.now();
    if (plan.expiresAt <= now) throw new InputRangeError("expiresAt must be in the future");
    // The share is read (or borrowed from custody) only to learn its public key; nothing of it is stored.
    const ours = await sharePublicKeyOf(this.ctx.storage, this.shares, { id, delegate, share }, actor);
    const keys = keyPlan(plan, ours);
    const record: CosignerRecord = {
      id,
      delegate,
      share,
      publicKey: bytesToHex(ours),
      ...keys,
      messages: plan.messages.map(bytesToHex),
      expiresAt: plan.expiresAt,
      maxRounds,
      round: 0,
      ...(plan.fireAt !== undefined ? { fireAt: plan.fireAt } : {}),
      createdAt: now,
    };
    await this.ctx.storage.transaction(async (tx) => {
      await lockLiveDelegate(tx, delegate);
      await COSIGNER_TABLES.session.put(tx.state, id, record);
      await COSIGNER_TABLES.byDelegate.put(tx.state, `${delegate}/${id}`, { id });
      await this.ctx.audit.append(tx, {
        kind: "delegate.cosigner.created",
        subject: `cosigner:${id}`,
        actor,
        data: {
          delegate,
          share: share.kind,
          aggregateKey: keys.aggregateKey,
          messages: plan.messages.length,
        },
      });
    });
    return this.show(id);
  }

  /**
   * Round 1: the public nonces of the current open round, or a new round (`fresh`: abort an open one first).
   * @throws KeywardError `not_found`, `expired`, `forbidden` (rounds exhausted).
   */
  async nonce(
    sessionId: string,
    options: { fresh?: boolean } = {},
    actor?: string,
  ): Promise<{ round: number; pubNonces: string[] }> {
    const s = await this.record(sessionId);
    if (!options.fresh && s.round > 0) {
      const r = await COSIGNER_TABLES.round.get(this.ctx.storage.state, roundKey(s.id, s.round));
      if (r?.state === "open") return { round: r.round, pubNonces: [...r.pubNonces] };
    }
    const r = await withShareTx(
      this.ctx.storage,
      this.shares,
      s,
      `cosigner:${s.id}:nonce`,
      async (tx, share) =>
        startRound(this.ctx, tx, await this.fresh(tx.state, s.id), share, "request", actor),
      actor,
    );
    return { round: r.round, pubNonces: [...r.pubNonces] };
  }

  /**
   * Round 2: partial signatures for every message of `round`, given the other signers' public nonces (or the
   * aggregate nonces). The secret nonces are destroyed in the transaction that stores the result.
   * @throws KeywardError `nonce_stale` (round not open: used, aborted at a restart, or superseded), `expired`,
   * `invalid_contribution` (names the message, signer and contribution).
   */
  async sign(
    sessionId: string,
    round: number,
    input: NonceInput,
    actor?: string,
  ): Promise<{ round: number; partialSigs: string[] }> {
    assertInteger(round, 1, Number.MAX_SAFE_INTEGER, "round");
    const s = await this.record(sessionId);
    const r = await COSIGNER_TABLES.round.get(this.ctx.storage.state, roundKey(s.id, round));
    if (!r) throw new KeywardError("nonce_stale", `cosigner ${s.id} has no round ${round}: start round 1`);
    const nonces = aggNoncesOf(s, input, (rows) => this.complete(s, rows, r.pubNonces, "pubNonces", 66));
    const signed = await withShareTx(
      this.ctx.storage,
      this.shares,
      s,
      `cosigner:${s.id}:sign`,
      async (tx, share) =>
        signRound(this.ctx, tx, await this.fresh(tx.state, s.id), round, share, nonces, actor),
      actor,
    );
    return { round, partialSigs: [...(signed.partialSigs ?? [])] };
  }

  /**
   * Verifies the other signers' partial signatures of a signed round (BIP-327 PartialSigVerify), given as for
   * `aggregate` (per message: the others' values, or every signer's), against every signer's public nonces
   * (given now, or recorded at round 2).
   * @returns per message whether all of them verify, and each failing (message, signer).
   */
  async verify(
    sessionId: string,
    round: number,
    partialSigs: readonly (readonly Uint8Array[])[],
    pubNonces?: readonly (readonly Uint8Array[])[],
  ): Promise<{ valid: boolean[]; invalid: { message: number; signer: number }[] }> {
    const { s, r } = await this.signedRound(sessionId, round);
    const rows = this.complete(s, partialSigs, r.partialSigs ?? [], "partialSigs", 32);
    const all = pubNonces ? this.complete(s, pubNonces, r.pubNonces, "pubNonces", 66) : undefined;
    const invalid: { message: number; signer: number }[] = [];
    for (let j = 0; j < s.participants.length; j++) {
      if (j === s.signerIndex) continue;
      verifyPartials(
        s,
        r,
        j,
        rows.map((row) => row[j]!),
        all,
      ).forEach((ok, m) => {
        if (!ok) invalid.push({ message: m, signer: j });
      });
    }
    invalid.sort((a, b) => a.message - b.message || a.signer - b.signer);
    return { valid: s.messages.map((_, m) => !invalid.some((x) => x.message === m)), invalid };
  }

  /**
   * Aggregates the other signers' partial signatures with this signer's into final BIP-340 signatures, each
   * verified under the aggregate key before it is returned and recorded.
   * @throws KeywardError `invalid_contribution` naming the message and the signer whose partial signature is bad.
   */
  async aggregate(
    sessionId: string,
    round: number,
    partialSigs: readonly (readonly Uint8Array[])[],
    actor?: string,
  ): Promise<{ round: number; aggregateKey: string; signatures: string[] }> {
    const { s, r } = await this.signedRound(sessionId, round);
    const rows = this.complete(s, partialSigs, r.partialSigs ?? [], "partialSigs", 32);
    const signatures = aggregateRound(s, r, rows);
    await this.ctx.storage.transaction(async (tx) => {
      const cur = await COSIGNER_TABLES.round.get(tx.state, roundKey(s.id, round));
      if (cur) await COSIGNER_TABLES.round.put(tx.state, roundKey(s.id, round), { ...cur, signatures });
      await this.ctx.audit.append(tx, {
        kind: "delegate.cosigner.aggregated",
        subject: `cosigner:${s.id}`,
        actor,
        data: { round, messages: signatures.length },
      });
    });
    return { round, aggregateKey: s.aggregateKey, signatures };
  }

  /** Fires scheduled round-1 starts whose time has come, each once across restarts and instances. */
  async runDue(): Promise<{ id: string; round: number }[]> {
    const now = this.ctx.now();
    const due: CosignerRecord[] = [];
    for await (const { value } of COSIGNER_TABLES.session.scan(this.ctx.storage.state))
      if (value.fireAt !== undefined && value.fireAt <= now && value.round === 0 && now < value.expiresAt)
        due.push(value);
    const out: { id: string; round: number }[] = [];
    for (const s of due) {
      try {
        const r = await withShareTx(
          this.ctx.storage,
          this.shares,
          s,
          `cosigner:${s.id}:fire`,
          async (tx, share) => {
            if (!(await COSIGNER_TABLES.fired.insert(tx.state, s.id, { at: now, round: 1 })))
              return undefined;
            return startRound(this.ctx, tx, await this.fresh(tx.state, s.id), share, "scheduled");
          },
        );
        if (r) out.push({ id: s.id, round: r.round });
      } catch {
        // A share that is gone or changed leaves the session for rehydration to report; others still fire.
      }
    }
    return out;
  }

  /**
   * At start: every round left open by an earlier process is aborted (its secret nonces destroyed — the old
   * public nonces are refused from now on) and, unless expired, round 1 starts again; sessions whose share is
   * gone are dropped with an audit event.
   */
  rehydrate(): Promise<CosignerRehydrateReport> {
    return rehydrateCosigners(this.ctx, this.shares);
  }

  /** Cosigner sessions (optionally of one delegate). */
  async list(delegateKey?: string | Uint8Array): Promise<CosignerInfo[]> {
    const ids: string[] = [];
    const state = this.ctx.storage.state;
    if (delegateKey === undefined)
      for await (const { key } of COSIGNER_TABLES.session.scan(state)) ids.push(key);
    else
      for await (const { value } of COSIGNER_TABLES.byDelegate.scan(state, {
        prefix: `${delegateKeyHex(delegateKey)}/`,
      }))
        ids.push(value.id);
    const out: CosignerInfo[] = [];
    for (const i of ids) if (await COSIGNER_TABLES.session.get(state, i)) out.push(await this.show(i));
    return out;
  }

  /** One session with its rounds (public data only). @throws KeywardError `not_found`. */
  async show(sessionId: string): Promise<CosignerInfo> {
    const s = await this.record(sessionId);
    const rounds: RoundRecord[] = [];
    for await (const { value } of COSIGNER_TABLES.round.scan(this.ctx.storage.state, { prefix: `${s.id}/` }))
      rounds.push(value);
    return cosignerView(s, rounds);
  }

  private async record(sessionId: string): Promise<CosignerRecord> {
    assertString(sessionId, "sessionId", { nonEmpty: true, maxLength: 64 });
    return this.fresh(this.ctx.storage.state, sessionId);
  }

  private async fresh(state: DelegatesContext["storage"]["state"], id: string): Promise<CosignerRecord> {
    const s = await COSIGNER_TABLES.session.get(state, id);
    if (!s) throw new KeywardError("not_found", `cosigner session ${id} does not exist`);
    return s;
  }

  private async signedRound(
    sessionId: string,
    round: number,
  ): Promise<{ s: CosignerRecord; r: RoundRecord }> {
    assertInteger(round, 1, Number.MAX_SAFE_INTEGER, "round");
    const s = await this.record(sessionId);
    const r = await COSIGNER_TABLES.round.get(this.ctx.storage.state, roundKey(s.id, round));
    if (r?.state !== "signed")
      throw new KeywardError(
        "conflict",
        `cosigner ${s.id} round ${round} has no partial signatures (run round 2)`,
      );
    return { s, r };
  }

  private complete(
    s: CosignerRecord,
    rows: readonly (readonly Uint8Array[])[],
    ours: readonly string[],
    name: string,
    length: number,
  ): Uint8Array[][] {
    return completeRows(
      rows,
      ours.map((o) => hexToBytes(o)),
      s.participants.length,
      s.signerIndex,
      length,
      name,
    );
  }
}

function shareRefOf(source: ShareSource): ShareRef {
  if (source && typeof source === "object" && "imported" in source) {
    assertSecretName(source.imported, "share");
    return { kind: "imported", name: source.imported };
  }
  if (source && typeof source === "object" && "custody" in source) {
    const c = source.custody;
    assertString(c?.partition, "share.partition", { nonEmpty: true, maxLength: 64 });
    assertString(c.identity, "share.identity", { nonEmpty: true, maxLength: 320 });
    if (c.label !== undefined) assertString(c.label, "share.label", { maxLength: 64 });
    return { kind: "custody", partition: c.partition, identity: c.identity, label: c.label ?? "" };
  }
  throw new KeywardError(
    "invalid_input",
    "share must be { imported: NAME } or { custody: { partition, identity } }",
  );
}
