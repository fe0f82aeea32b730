// Resolving a path for an operation: canonicalise, create on first use, enforce status, move to the current MSK.
import { KeywardError } from "../errors/keyward-error.js";
import type { StateReader, StorageTx } from "../store/ports.js";
import {
  type CustodyContext,
  claimGeneration,
  commitChange,
  evictMsk,
  publicKeysAt,
  subjectOf,
  withPathKey,
} from "./context.js";
import { identityAddressHex } from "./derive.js";
import { assertPartitionName, canonicalIdentity, canonicalLabel, SCHEMES } from "./identity.js";
import {
  EPOCH_MEMBER_TABLE,
  epochMemberKey,
  MSK_NAMESPACE,
  mskName,
  type PartitionRecord,
  type PathRecord,
  pad,
  partitions,
  pathKey,
  paths,
} from "./records.js";
import {
  type KeyChange,
  type KeyStatement,
  type StatementSignatures,
  signStatement,
  statementBytes,
} from "./statements.js";

/** Which identity key: partition + identity (`type:value`) + optional child label. */
export interface IdentityRef {
  readonly partition: string;
  readonly identity: string;
  readonly label?: string | undefined;
}

/** How strictly `preparePath` treats the path's status. */
export interface PrepareOptions {
  /** Create the path (generation 0, current epoch) when it does not exist yet. */
  readonly create: boolean;
  /** Refuse a suspended path (`suspended`); revoked paths are always refused unless `allowRevoked`. */
  readonly requireActive: boolean;
  readonly allowRevoked?: boolean;
}

/** Validated coordinates of a path. */
export interface ResolvedRef {
  readonly partition: PartitionRecord;
  readonly identity: string;
  readonly label: string;
  readonly address: string;
  readonly key: string;
}

const enc = new TextEncoder();

/** Validates a ref and loads its partition. @throws invalid input, KeywardError `not_found`. */
export async function resolveRef(
  tx: { readonly state: StateReader },
  ref: IdentityRef,
): Promise<ResolvedRef> {
  if (ref === null || typeof ref !== "object")
    throw new KeywardError("invalid_input", "ref must be an object");
  assertPartitionName(ref.partition);
  const identity = canonicalIdentity(ref.identity).canonical;
  const label = canonicalLabel(ref.label);
  const partition = await partitions.get(tx.state, ref.partition);
  if (!partition) throw new KeywardError("not_found", "partition does not exist");
  const address = identityAddressHex(partition.id, identity);
  return { partition, identity, label, address, key: pathKey(partition.name, address, label) };
}

/** The version-0 record of a new path (derived: `epoch` set; imported legacy key: `epoch` null). */
export function newPathRecord(
  r: ResolvedRef,
  now: number,
  key: Pick<PathRecord, "epoch" | "publicKeys" | "legacy">,
): PathRecord {
  return {
    partition: r.partition.name,
    identity: r.identity,
    label: r.label,
    address: r.address,
    version: 0,
    generation: 0,
    status: "active",
    createdAt: now,
    updatedAt: now,
    ...key,
  };
}

/** Creates a derived path at generation 0 in the partition's current epoch. */
async function createPath(ctx: CustodyContext, tx: StorageTx, r: ResolvedRef): Promise<PathRecord> {
  const now = ctx.now();
  const base = newPathRecord(r, now, { epoch: r.partition.epoch, publicKeys: {} });
  await claimGeneration(tx, r.key, 0, now);
  const publicKeys = await publicKeysAt(ctx, tx, base, base);
  // The version-0 record is inserted create-only; commitChange then records version 1 ("created").
  if (!(await paths.insert(tx.state, r.key, base)))
    throw new KeywardError("conflict", "path created concurrently", { retryable: true });
  await tx.state.insert(
    EPOCH_MEMBER_TABLE,
    epochMemberKey(base.partition, r.partition.epoch, r.address, r.label),
    enc.encode("{}"),
  );
  const rec = await commitChange(
    ctx,
    tx,
    base,
    { publicKeys },
    { kind: "created", generation: 0, epoch: base.epoch, publicKeys },
  );
  await ctx.audit.append(tx, {
    kind: "custody.identity-created",
    subject: subjectOf(rec),
    actor: ctx.actor,
    data: { generation: 0, epoch: base.epoch, ed25519: publicKeys.ed25519 ?? null },
    sensitive: { identity: r.identity },
  });
  return rec;
}

/**
 * Resolves a path inside `tx`: creates it on first use (if asked), refuses revoked/suspended paths, and moves
 * a path still on an old MSK epoch to the current one (lazy MSK rotation).
 * @throws KeywardError `not_found`, `revoked`, `suspended`.
 */
export async function preparePath(
  ctx: CustodyContext,
  tx: StorageTx,
  ref: IdentityRef,
  opts: PrepareOptions,
): Promise<PathRecord> {
  const r = await resolveRef(tx, ref);
  let rec = await paths.get(tx.state, r.key);
  if (!rec) {
    if (!opts.create) throw new KeywardError("not_found", "no key exists for this identity and label");
    rec = await createPath(ctx, tx, r);
  }
  if (rec.status === "revoked" && !opts.allowRevoked)
    throw new KeywardError("revoked", "this identity key was revoked and can never be used again");
  if (rec.status === "suspended" && opts.requireActive)
    throw new KeywardError("suspended", "this identity key is suspended");
  if (rec.status !== "revoked" && rec.epoch !== null && rec.epoch < r.partition.epoch)
    rec = await movePath(ctx, tx, rec, r.partition);
  else if (
    rec.status !== "revoked" &&
    rec.epoch !== null &&
    SCHEMES.some((s) => rec?.publicKeys[s] === undefined)
  ) {
    // A path created before a scheme existed (e.g. bip340): its key was always derivable, so its public key
    // is filled in without a new version or generation.
    rec = { ...rec, publicKeys: await publicKeysAt(ctx, tx, rec, rec) };
    await paths.put(tx.state, r.key, rec);
  }
  return rec;
}

/** Signs a statement with every signing-capable old key it names. */
export async function signWithOldKeys(
  ctx: CustodyContext,
  tx: StorageTx,
  rec: PathRecord,
  statement: KeyStatement,
): Promise<StatementSignatures> {
  const bytes = statementBytes(statement);
  const out: StatementSignatures = {};
  for (const k of statement.keys) {
    if (k.scheme === "x25519") continue;
    const scheme = k.scheme;
    out[scheme] = await withPathKey(
      ctx,
      tx,
      rec,
      scheme,
      (key) => signStatement(scheme, key, bytes),
      statement.from,
    );
  }
  return out;
}

/** Key changes between two key sources of a path. */
export function keyChanges(
  before: Partial<Record<string, string>>,
  after: Partial<Record<string, string>>,
): KeyChange[] {
  return SCHEMES.filter((s) => before[s] !== undefined && after[s] !== undefined).map((s) => ({
    scheme: s,
    old: before[s]!,
    new: after[s]!,
  }));
}

/**
 * One signed key change of a path (rotation or remap): claims generation + 1 (never reused), derives the new
 * public keys under `toEpoch`, has the old keys sign a statement naming them, and commits the path record
 * with its history entry. The caller adds its own bookkeeping and audit entry in the same transaction.
 */
export async function changePathKeys(
  ctx: CustodyContext,
  tx: StorageTx,
  rec: PathRecord,
  type: "rotation" | "remap",
  toEpoch: number,
): Promise<{
  next: PathRecord;
  from: KeyStatement["from"];
  to: KeyStatement["to"];
  after: PathRecord["publicKeys"];
}> {
  const from = { generation: rec.generation, epoch: rec.epoch };
  const to = { generation: rec.generation + 1, epoch: toEpoch };
  await claimGeneration(tx, pathKey(rec.partition, rec.address, rec.label), to.generation, ctx.now());
  const before = await publicKeysAt(ctx, tx, rec, from);
  const after = await publicKeysAt(ctx, tx, rec, to);
  const statement: KeyStatement = {
    type,
    partition: rec.partition,
    address: rec.address,
    label: rec.label,
    from,
    to,
    keys: keyChanges(before, after),
    time: ctx.now(),
  };
  const signatures = await signWithOldKeys(ctx, tx, rec, statement);
  const next = await commitChange(
    ctx,
    tx,
    rec,
    { ...to, publicKeys: after, legacy: undefined },
    {
      kind: type === "rotation" ? "rotated" : "remapped",
      generation: to.generation,
      epoch: to.epoch,
      publicKeys: after,
      statement,
      signatures,
    },
  );
  return { next, from, to, after };
}

/**
 * Moves a path to the partition's current MSK epoch: generation + 1 (claimed), a remap statement signed by the
 * old keys, the epoch index updated, and the old MSK destroyed when no path uses it any more.
 */
export async function movePath(
  ctx: CustodyContext,
  tx: StorageTx,
  rec: PathRecord,
  partition: PartitionRecord,
): Promise<PathRecord> {
  const { next, from, to, after } = await changePathKeys(ctx, tx, rec, "remap", partition.epoch);
  if (from.epoch !== null)
    await tx.state.delete(
      EPOCH_MEMBER_TABLE,
      epochMemberKey(rec.partition, from.epoch, rec.address, rec.label),
    );
  await tx.state.insert(
    EPOCH_MEMBER_TABLE,
    epochMemberKey(rec.partition, to.epoch, rec.address, rec.label),
    enc.encode("{}"),
  );
  await ctx.audit.append(tx, {
    kind: "custody.remap",
    subject: subjectOf(rec),
    actor: ctx.actor,
    data: {
      reason: from.epoch === null ? "legacy" : "msk-rotation",
      fromGeneration: from.generation,
      generation: to.generation,
      epoch: to.epoch,
      ed25519: after.ed25519 ?? null,
    },
  });
  if (from.epoch !== null) await destroyEpochIfUnused(ctx, tx, partition, from.epoch);
  return next;
}

/**
 * Deletes the MSK of an old epoch once no path uses it (the epoch index has no member). Returns whether it
 * was destroyed now.
 */
export async function destroyEpochIfUnused(
  ctx: CustodyContext,
  tx: StorageTx,
  partition: PartitionRecord,
  epoch: number,
): Promise<boolean> {
  if (epoch >= partition.epoch) return false;
  for await (const _ of tx.state.scan(EPOCH_MEMBER_TABLE, {
    prefix: `${partition.name}/${pad(epoch)}/`,
    limit: 1,
  }))
    return false;
  if (!(await tx.secrets.delete(MSK_NAMESPACE, mskName(partition.name, epoch)))) return false;
  evictMsk(ctx, partition.name, epoch);
  await ctx.audit.append(tx, {
    kind: "custody.msk-destroyed",
    subject: partition.name,
    actor: ctx.actor,
    data: { epoch },
  });
  return true;
}
