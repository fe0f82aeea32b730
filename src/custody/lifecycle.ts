// Path lifecycle: rotate (old key signs the new), suspend/resume, revoke (final), history, legacy import/remap.
import { bytesToHex } from "../crypto/bytes.js";
import { secp256k1IsValidPrivateKey } from "../crypto/secp256k1.js";
import { Secret } from "../crypto/secret.js";
import { InputTypeError } from "../errors/input-errors.js";
import { KeywardError } from "../errors/keyward-error.js";
import type { StorageTx } from "../store/ports.js";
import { type CustodyContext, claimGeneration, commitChange, runTx, subjectOf } from "./context.js";
import { schemePublicKey } from "./derive.js";
import {
  changePathKeys,
  destroyEpochIfUnused,
  type IdentityRef,
  movePath,
  newPathRecord,
  preparePath,
  resolveRef,
} from "./path-ops.js";
import {
  EPOCH_MEMBER_TABLE,
  epochMemberKey,
  type HistoryEntry,
  history,
  historyKey,
  LEGACY_NAMESPACE,
  type PathRecord,
  type PathStatus,
  paths,
} from "./records.js";
import type { KeyStatement } from "./statements.js";

/** Result of a rotation or remap: the new generation, its public keys and the signed statement. */
export interface KeyChangeResult {
  readonly address: string;
  readonly generation: number;
  readonly publicKeys: HistoryEntry["publicKeys"];
  readonly statement: KeyStatement;
  readonly signatures: NonNullable<HistoryEntry["signatures"]>;
}

/** Status after suspend/resume/revoke. */
export interface StatusResult {
  readonly address: string;
  readonly status: PathStatus;
  readonly generation: number;
}

/** A path's current state and its full history. */
export interface PathHistory {
  readonly address: string;
  readonly identity: string;
  readonly label: string;
  readonly status: PathStatus;
  readonly generation: number;
  readonly epoch: number | null;
  /** Oldest first; `time` as an RFC 3339 string (the signed statements keep their own epoch-ms fields). */
  readonly events: (Omit<HistoryEntry, "time"> & { readonly time: string })[];
}

function lastChange(rec: PathRecord, entry: HistoryEntry & { statement: KeyStatement }): KeyChangeResult {
  return {
    address: rec.address,
    generation: rec.generation,
    publicKeys: entry.publicKeys,
    statement: entry.statement,
    signatures: entry.signatures ?? {},
  };
}

async function changeResult(tx: StorageTx, rec: PathRecord): Promise<KeyChangeResult> {
  const entry = await history.get(tx.state, historyKey(subjectOf(rec), rec.version));
  if (!entry?.statement) throw new KeywardError("internal", "the key change was not recorded");
  return lastChange(rec, { ...entry, statement: entry.statement });
}

/** Rotation: generation + 1 under the same MSK; the old keys sign a statement naming the new ones. */
export async function rotatePath(ctx: CustodyContext, ref: IdentityRef): Promise<KeyChangeResult> {
  return runTx(ctx, async (tx) => {
    const cur = await preparePath(ctx, tx, ref, { create: false, requireActive: true });
    if (cur.epoch === null)
      throw new KeywardError(
        "conflict",
        "this path holds an imported key: use remap to move it to a derived key",
      );
    const { next, from, to, after } = await changePathKeys(ctx, tx, cur, "rotation", cur.epoch);
    await ctx.audit.append(tx, {
      kind: "custody.rotate",
      subject: subjectOf(cur),
      actor: ctx.actor,
      data: {
        fromGeneration: from.generation,
        generation: to.generation,
        epoch: to.epoch,
        ed25519: after.ed25519 ?? null,
      },
    });
    return changeResult(tx, next);
  });
}

/** Suspend (reversible) or resume. Idempotent: the same status again changes nothing. */
export async function setSuspended(
  ctx: CustodyContext,
  ref: IdentityRef,
  suspended: boolean,
): Promise<StatusResult> {
  return runTx(ctx, async (tx) => {
    const cur = await preparePath(ctx, tx, ref, { create: false, requireActive: false });
    const status: PathStatus = suspended ? "suspended" : "active";
    if (cur.status === status) return { address: cur.address, status, generation: cur.generation };
    const next = await commitChange(
      ctx,
      tx,
      cur,
      { status },
      {
        kind: suspended ? "suspended" : "resumed",
        generation: cur.generation,
        epoch: cur.epoch,
        publicKeys: {},
      },
    );
    await ctx.audit.append(tx, {
      kind: suspended ? "custody.suspend" : "custody.resume",
      subject: subjectOf(cur),
      actor: ctx.actor,
      data: { generation: cur.generation },
    });
    return { address: next.address, status: next.status, generation: next.generation };
  });
}

/**
 * Revoke: final. The path stays recorded as revoked (so it can never be created again), its imported key is
 * deleted, and it no longer keeps an old MSK alive.
 */
export async function revokePath(ctx: CustodyContext, ref: IdentityRef): Promise<StatusResult> {
  return runTx(ctx, async (tx) => {
    const cur = await preparePath(ctx, tx, ref, { create: false, requireActive: false });
    const next = await commitChange(
      ctx,
      tx,
      cur,
      { status: "revoked" },
      {
        kind: "revoked",
        generation: cur.generation,
        epoch: cur.epoch,
        publicKeys: {},
      },
    );
    if (cur.epoch === null) await tx.secrets.delete(LEGACY_NAMESPACE, subjectOf(cur));
    else {
      await tx.state.delete(
        EPOCH_MEMBER_TABLE,
        epochMemberKey(cur.partition, cur.epoch, cur.address, cur.label),
      );
      const { partition } = await resolveRef(tx, ref);
      await destroyEpochIfUnused(ctx, tx, partition, cur.epoch);
    }
    await ctx.audit.append(tx, {
      kind: "custody.revoke",
      subject: subjectOf(cur),
      actor: ctx.actor,
      data: { generation: cur.generation },
    });
    return { address: next.address, status: next.status, generation: next.generation };
  });
}

/** The full history of a path (public keys, statements, status changes); also for revoked paths. */
export async function pathHistory(ctx: CustodyContext, ref: IdentityRef): Promise<PathHistory> {
  const r = await resolveRef(ctx.storage, ref);
  const rec = await paths.get(ctx.storage.state, r.key);
  if (!rec) throw new KeywardError("not_found", "no key exists for this identity and label");
  const events: PathHistory["events"][number][] = [];
  for await (const e of history.scan(ctx.storage.state, { prefix: `${r.key}/` }))
    events.push({ ...e.value, time: new Date(e.value.time).toISOString() });
  return {
    address: rec.address,
    identity: rec.identity,
    label: rec.label,
    status: rec.status,
    generation: rec.generation,
    epoch: rec.epoch,
    events,
  };
}

/**
 * Imports a random (non-derivable) Ed25519 seed or secp256k1 private key for a new path, sealed in the
 * SecretStore. It signs until `remapLegacy` moves the path to a derived key. `key` is not retained.
 * @throws KeywardError `already_exists` when the path exists; invalid input for a bad key.
 */
export async function importLegacy(
  ctx: CustodyContext,
  ref: IdentityRef,
  scheme: "ed25519" | "secp256k1",
  key: Secret,
): Promise<{ address: string; publicKey: string; generation: number; scheme: string }> {
  if (scheme !== "ed25519" && scheme !== "secp256k1")
    throw new KeywardError("invalid_input", "legacy keys must be ed25519 or secp256k1");
  if (!Secret.is(key)) throw new InputTypeError("key must be a Secret");
  if (key.length !== 32) throw new KeywardError("invalid_input", "legacy key must be 32 bytes");
  if (scheme === "secp256k1" && !key.use(secp256k1IsValidPrivateKey))
    throw new KeywardError("invalid_input", "legacy key is not a valid secp256k1 private key");
  const publicKey = bytesToHex(key.use((k) => schemePublicKey(scheme, k)));
  return runTx(ctx, async (tx) => {
    const r = await resolveRef(tx, ref);
    if (await paths.get(tx.state, r.key))
      throw new KeywardError("already_exists", "a key already exists for this identity and label");
    const now = ctx.now();
    const base = newPathRecord(r, now, {
      epoch: null,
      legacy: { scheme, publicKey },
      publicKeys: { [scheme]: publicKey },
    });
    await claimGeneration(tx, r.key, 0, now);
    if (!(await paths.insert(tx.state, r.key, base)))
      throw new KeywardError("already_exists", "a key already exists for this identity and label");
    await tx.secrets.put(LEGACY_NAMESPACE, r.key, Secret.from(key.expose()));
    await commitChange(
      ctx,
      tx,
      base,
      {},
      { kind: "imported", generation: 0, epoch: null, publicKeys: { [scheme]: publicKey } },
    );
    await ctx.audit.append(tx, {
      kind: "custody.import-legacy",
      subject: r.key,
      actor: ctx.actor,
      data: { scheme, publicKey },
      sensitive: { identity: r.identity },
    });
    return { address: r.address, publicKey, generation: 0, scheme };
  });
}

/** Moves an imported-key path to a derived key; the imported key signs the remap statement, then is deleted. */
export async function remapLegacy(ctx: CustodyContext, ref: IdentityRef): Promise<KeyChangeResult> {
  return runTx(ctx, async (tx) => {
    const cur = await preparePath(ctx, tx, ref, { create: false, requireActive: true });
    if (cur.epoch !== null) throw new KeywardError("conflict", "this path already uses a derived key");
    const { partition } = await resolveRef(tx, ref);
    const next = await movePath(ctx, tx, cur, partition);
    await tx.secrets.delete(LEGACY_NAMESPACE, subjectOf(cur));
    return changeResult(tx, next);
  });
}
