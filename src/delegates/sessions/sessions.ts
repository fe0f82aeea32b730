// Delegated sessions (seed 001): persisted with a secret reference and public key only, rehydrated at start,
// pending actions fired exactly once (claimed with an insert) — also after a restart.
import { assertBytes, assertString } from "../../crypto/assert.js";
import { bytesToBase64url, bytesToHex, equalBytes, hexToBytes } from "../../crypto/bytes.js";
import { randomBytes } from "../../crypto/random.js";
import { InputRangeError } from "../../errors/input-errors.js";
import { KeywardError } from "../../errors/keyward-error.js";
import type { StorageTx } from "../../store/ports.js";
import type { DelegatesContext } from "../ports.js";
import { type ActionRecord, type FiredRecord, padNumber, type SessionRecord, TABLES } from "../records.js";
import { lockLiveDelegate } from "../secrets.js";
import { assertTime, delegateKeyHex } from "../validate.js";
import {
  checkPolicy,
  MAX_SESSION_MESSAGE,
  policyRecord,
  refuseUnfireableAction,
  type SessionPolicy,
} from "./policy.js";
import { SealedSeedSessionKeys, type SessionKeys, type SessionSigner } from "./session-keys.js";
import { type RehydrateReport, rehydrateSessions } from "./session-rehydrate.js";

/** A pending action as callers give it. */
export interface ActionInput {
  readonly fireAt: number;
  readonly message: Uint8Array;
}

/** A fired action's outcome as the API shows it (times as RFC 3339 strings). */
export type FiredAction = Omit<FiredRecord, "fireAt" | "firedAt"> & {
  readonly fireAt: string;
  readonly firedAt: string;
};

function firedView(f: FiredRecord): FiredAction {
  return { ...f, fireAt: new Date(f.fireAt).toISOString(), firedAt: new Date(f.firedAt).toISOString() };
}

/** Public view of a session (no secret, not even its reference's contents beyond the name). */
export interface SessionInfo {
  readonly id: string;
  readonly delegate: string;
  readonly publicKey: string;
  /** The policy; `expiresAt` as an RFC 3339 string. */
  readonly policy: Omit<SessionRecord["policy"], "expiresAt"> & { readonly expiresAt: string };
  readonly uses: number;
  readonly createdAt: string;
  readonly pending: readonly { readonly id: string; readonly fireAt: string; readonly message: string }[];
  readonly fired: readonly FiredAction[];
}

const id = (prefix: string): string => `${prefix}_${bytesToBase64url(randomBytes(12))}`;

function assertMessage(message: Uint8Array, name: string): void {
  assertBytes(message, undefined, name);
  if (message.length > MAX_SESSION_MESSAGE)
    throw new InputRangeError(`${name} must be at most ${MAX_SESSION_MESSAGE} bytes`);
}

/** Sessions of delegates: create, schedule, sign, rehydrate, fire due actions. */
export class DelegateSessions {
  /** Rehydrated signers by session id: the in-memory half of a session. */
  readonly #live = new Map<string, SessionSigner>();

  constructor(
    private readonly ctx: DelegatesContext,
    private readonly keys: SessionKeys = new SealedSeedSessionKeys(),
  ) {}

  /**
   * Creates a session for a live delegate: a new signing key (sealed; the record keeps only its reference
   * and public key) with `policy`, plus optional pending actions; the audit entry names `actor` (the caller).
   * @throws KeywardError `not_found`, `migrated`; {TypeError|RangeError} for a malformed policy/action.
   * @example await delegates.sessions.create(v2Key, { messagePrefix: utf8("pay:"), maxUses: 3, expiresAt }, [{ fireAt, message }]);
   */
  async create(
    delegateKey: string | Uint8Array,
    policy: SessionPolicy,
    actions: readonly ActionInput[] = [],
    actor?: string,
  ): Promise<SessionInfo> {
    const delegate = delegateKeyHex(delegateKey);
    const pol = policyRecord(policy);
    for (const [i, a] of actions.entries()) {
      assertTime(a.fireAt, `actions[${i}].fireAt`);
      assertMessage(a.message, `actions[${i}].message`);
      refuseUnfireableAction(pol, a.fireAt, a.message, `actions[${i}]`);
    }
    const sid = id("ses");
    const now = this.ctx.now();
    await this.ctx.storage.transaction(async (tx) => {
      await lockLiveDelegate(tx, delegate);
      const { ref, publicKey } = await this.keys.create(tx, delegate, sid);
      const record: SessionRecord = {
        id: sid,
        delegate,
        publicKey: bytesToHex(publicKey),
        secret: ref,
        policy: pol,
        uses: 0,
        createdAt: now,
      };
      await TABLES.session.put(tx.state, sid, record);
      await TABLES.sessionByDelegate.put(tx.state, `${delegate}/${sid}`, { id: sid });
      for (const a of actions) await this.putAction(tx, sid, a, now);
      await this.ctx.audit.append(tx, {
        kind: "delegate.session.created",
        subject: `session:${sid}`,
        actor,
        data: { delegate, publicKey: record.publicKey, actions: actions.length },
      });
    });
    return this.show(sid);
  }

  /**
   * Adds a pending action to a session; one the policy could never sign (prefix, expiry) is refused now.
   * @throws KeywardError `not_found`, `forbidden`.
   */
  async schedule(sessionId: string, action: ActionInput): Promise<string> {
    assertString(sessionId, "sessionId", { nonEmpty: true, maxLength: 64 });
    assertTime(action.fireAt, "fireAt");
    assertMessage(action.message, "message");
    return this.ctx.storage.transaction(async (tx) => {
      const s = await TABLES.session.get(tx.state, sessionId);
      if (!s) throw new KeywardError("not_found", "session does not exist");
      refuseUnfireableAction(s.policy, action.fireAt, action.message, "action");
      return this.putAction(tx, sessionId, action, this.ctx.now());
    });
  }

  /**
   * Signs `message` now under the session's policy (one use).
   * @throws KeywardError `not_found`, `expired`, `forbidden` (prefix or uses exhausted).
   */
  async sign(sessionId: string, message: Uint8Array): Promise<Uint8Array> {
    assertString(sessionId, "sessionId", { nonEmpty: true, maxLength: 64 });
    assertMessage(message, "message");
    return this.ctx.storage.transaction(async (tx) => {
      const s = await TABLES.session.get(tx.state, sessionId);
      if (!s) throw new KeywardError("not_found", "session does not exist");
      const refusal = checkPolicy(s.policy, s.uses, message, this.ctx.now());
      if (refusal === "expired") throw new KeywardError("expired", "session has expired");
      if (refusal) throw new KeywardError("forbidden", `session policy refuses the message (${refusal})`);
      const signer = await this.signer(tx, s);
      await TABLES.session.put(tx.state, sessionId, { ...s, uses: s.uses + 1 });
      return signer.sign(message);
    });
  }

  /**
   * Loads every persisted session's key with the store's rehydration helper: fetch the secret by reference,
   * check its public key against the persisted one. A missing secret drops the session (record, index,
   * pending actions) with a `delegate.session.dropped` audit event; any other failure keeps the record.
   */
  async rehydrate(): Promise<RehydrateReport> {
    return rehydrateSessions(this.ctx, this.keys, this.#live);
  }

  /**
   * Fires every pending action whose time has come, each exactly once across restarts and instances: the
   * outcome is claimed with an insert in the same transaction that counts the use.
   * @returns the outcomes fired by this call.
   */
  async runDue(): Promise<FiredAction[]> {
    const now = this.ctx.now();
    const due: ActionRecord[] = [];
    for await (const { value } of TABLES.action.scan(this.ctx.storage.state, { lt: padNumber(now + 1) }))
      due.push(value);
    const out: FiredAction[] = [];
    for (const a of due) {
      const fired = await this.ctx.storage.transaction((tx) => this.fire(tx, a, now));
      if (fired) out.push(firedView(fired));
    }
    return out;
  }

  /** Sessions (optionally of one delegate). */
  async list(delegateKey?: string | Uint8Array): Promise<SessionInfo[]> {
    const ids: string[] = [];
    const state = this.ctx.storage.state;
    if (delegateKey === undefined) {
      for await (const { key } of TABLES.session.scan(state)) ids.push(key);
    } else {
      const d = delegateKeyHex(delegateKey);
      for await (const { value } of TABLES.sessionByDelegate.scan(state, { prefix: `${d}/` }))
        ids.push(value.id);
    }
    const out: SessionInfo[] = [];
    // An index entry can outlive its session if a process died between dropping and cleaning up: skip it.
    for (const i of ids) if (await TABLES.session.get(state, i)) out.push(await this.show(i));
    return out;
  }

  /**
   * One session with its pending and fired actions.
   * @throws KeywardError `not_found`.
   */
  async show(sessionId: string): Promise<SessionInfo> {
    assertString(sessionId, "sessionId", { nonEmpty: true, maxLength: 64 });
    const state = this.ctx.storage.state;
    const s = await TABLES.session.get(state, sessionId);
    if (!s) throw new KeywardError("not_found", "session does not exist");
    const pending: SessionInfo["pending"][number][] = [];
    for await (const { value } of TABLES.action.scan(state))
      if (value.session === sessionId)
        pending.push({ id: value.id, fireAt: new Date(value.fireAt).toISOString(), message: value.message });
    const fired: FiredRecord[] = [];
    for await (const { value } of TABLES.fired.scan(state, { prefix: `${sessionId}/` })) fired.push(value);
    return {
      id: s.id,
      delegate: s.delegate,
      publicKey: s.publicKey,
      policy: { ...s.policy, expiresAt: new Date(s.policy.expiresAt).toISOString() },
      uses: s.uses,
      createdAt: new Date(s.createdAt).toISOString(),
      pending,
      fired: fired.map(firedView),
    };
  }

  /** Ids of the sessions whose keys are loaded in this process. */
  liveSessions(): string[] {
    return [...this.#live.keys()];
  }

  private async putAction(tx: StorageTx, session: string, a: ActionInput, now: number): Promise<string> {
    const aid = id("act");
    const record: ActionRecord = {
      id: aid,
      session,
      fireAt: a.fireAt,
      message: bytesToHex(a.message),
      createdAt: now,
    };
    await TABLES.action.put(tx.state, `${padNumber(a.fireAt)}/${aid}`, record);
    return aid;
  }

  private async signer(tx: StorageTx, s: SessionRecord): Promise<SessionSigner> {
    const signer = this.#live.get(s.id) ?? (await this.loadInTx(tx, s));
    if (!signer) throw new KeywardError("not_found", `session ${s.id}'s key is missing`);
    return signer;
  }

  private async fire(tx: StorageTx, a: ActionRecord, now: number): Promise<FiredRecord | undefined> {
    const firedKey = `${a.session}/${a.id}`;
    if (await TABLES.fired.get(tx.state, firedKey)) return undefined;
    const s = await TABLES.session.get(tx.state, a.session);
    let outcome: Pick<FiredRecord, "signature" | "refused">;
    const message = hexToBytes(a.message, "message");
    const refusal = s ? checkPolicy(s.policy, s.uses, message, now) : "no-session";
    if (s && !refusal) {
      const r = this.#live.get(s.id) ?? (await this.loadInTx(tx, s));
      outcome = r ? { signature: bytesToHex(r.sign(message)) } : { refused: "missing-key" };
    } else outcome = { refused: refusal ?? "no-session" };
    const fired: FiredRecord = { id: a.id, session: a.session, fireAt: a.fireAt, firedAt: now, ...outcome };
    // The claim: if another runner fired it first, this insert fails and nothing else is written.
    if (!(await TABLES.fired.insert(tx.state, firedKey, fired))) return undefined;
    await TABLES.action.delete(tx.state, `${padNumber(a.fireAt)}/${a.id}`);
    if (s && outcome.signature) await TABLES.session.put(tx.state, s.id, { ...s, uses: s.uses + 1 });
    await this.ctx.audit.append(tx, {
      kind: "delegate.session.fired",
      subject: `session:${a.session}`,
      data: { action: a.id, outcome: outcome.refused ?? "signed" },
    });
    return fired;
  }

  /** Loads a session created after this process rehydrated (e.g. by another instance). */
  private async loadInTx(tx: StorageTx, s: SessionRecord): Promise<SessionSigner | undefined> {
    const secret = await tx.secrets.get(s.secret.namespace, s.secret.name);
    if (!secret) return undefined;
    try {
      if (!equalBytes(this.keys.publicKey(secret), hexToBytes(s.publicKey, "publicKey", 32)))
        return undefined;
      const signer = this.keys.signer(secret);
      this.#live.set(s.id, signer);
      return signer;
    } finally {
      secret.wipe();
    }
  }
}
