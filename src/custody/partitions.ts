// Partitions and their MSKs: create (epoch 1), list, and MSK rotation (new epoch, lazy or batch moves).
import { bytesToHex } from "../crypto/bytes.js";
import { randomBytes } from "../crypto/random.js";
import { Secret } from "../crypto/secret.js";
import { InputTypeError } from "../errors/input-errors.js";
import { KeywardError } from "../errors/keyward-error.js";
import type { StorageTx } from "../store/ports.js";
import { type CustodyContext, raceLost, runTx } from "./context.js";
import { assertPartitionName } from "./identity.js";
import { destroyEpochIfUnused, movePath } from "./path-ops.js";
import {
  EPOCH_MEMBER_TABLE,
  EPOCH_TABLE,
  MSK_NAMESPACE,
  mskName,
  type PartitionRecord,
  pad,
  partitions,
  paths,
} from "./records.js";

/** Public view of a partition (its id and MSK stay inside custody). */
export interface PartitionInfo {
  readonly name: string;
  readonly epoch: number;
  /** RFC 3339. */
  readonly createdAt: string;
}

/** Progress of a batch MSK migration. */
export type MskProgress = (done: number, total: number) => void;

/** Result of `rotateMsk`. */
export interface MskRotationResult {
  readonly partition: string;
  readonly epoch: number;
  /** Paths moved to the new epoch by this call (0 when `batch` is false: they move lazily on use). */
  readonly moved: number;
  /** Old epochs whose MSK was destroyed (no path used them any more). */
  readonly destroyedEpochs: number[];
}

const enc = new TextEncoder();
const info = (p: PartitionRecord): PartitionInfo => ({
  name: p.name,
  epoch: p.epoch,
  createdAt: new Date(p.createdAt).toISOString(),
});

async function openEpoch(tx: StorageTx, name: string, epoch: number, now: number): Promise<void> {
  if (
    !(await tx.state.insert(
      EPOCH_TABLE,
      `${name}/${pad(epoch)}`,
      enc.encode(JSON.stringify({ createdAt: now })),
    ))
  )
    throw raceLost(`epoch ${epoch} of partition ${name} was already opened`);
  // A fresh MSK: 32 bytes from the CSPRNG, sealed; Secret.adopt takes ownership and wipes on `wipe()`.
  const msk = Secret.adopt(randomBytes(32));
  try {
    await tx.secrets.put(MSK_NAMESPACE, mskName(name, epoch), msk);
  } finally {
    msk.wipe();
  }
}

/**
 * Creates a partition with its own random id and MSK (epoch 1).
 * @throws KeywardError `already_exists`; invalid input for a bad name.
 * @example await custody.createPartition("acme");
 */
export async function createPartition(ctx: CustodyContext, name: string): Promise<PartitionInfo> {
  assertPartitionName(name);
  return runTx(ctx, async (tx) => {
    const now = ctx.now();
    const rec: PartitionRecord = { name, id: bytesToHex(randomBytes(16)), epoch: 1, createdAt: now };
    if (!(await partitions.insert(tx.state, name, rec)))
      throw new KeywardError("already_exists", "partition already exists");
    await openEpoch(tx, name, 1, now);
    await ctx.audit.append(tx, {
      kind: "custody.partition-created",
      subject: name,
      actor: ctx.actor,
      data: { epoch: 1 },
    });
    return info(rec);
  });
}

/** Every partition, by name. */
export async function listPartitions(ctx: CustodyContext): Promise<PartitionInfo[]> {
  const out: PartitionInfo[] = [];
  for await (const e of partitions.scan(ctx.storage.state)) out.push(info(e.value));
  return out;
}

/**
 * Opens a new MSK epoch. With `batch` (default) every path still on an older epoch is moved now, one
 * transaction each, reporting progress; otherwise paths move lazily on their next use. Old MSKs are destroyed
 * as soon as no path uses them.
 * @throws KeywardError `not_found`.
 */
export async function rotateMsk(
  ctx: CustodyContext,
  name: string,
  options: { batch?: boolean; onProgress?: MskProgress } = {},
): Promise<MskRotationResult> {
  assertPartitionName(name);
  if (options.onProgress !== undefined && typeof options.onProgress !== "function")
    throw new InputTypeError("onProgress must be a function");
  const destroyed: number[] = [];
  const epoch = await runTx(ctx, async (tx) => {
    const cur = await partitions.get(tx.state, name);
    if (!cur) throw new KeywardError("not_found", "partition does not exist");
    const next: PartitionRecord = { ...cur, epoch: cur.epoch + 1 };
    await openEpoch(tx, name, next.epoch, ctx.now());
    await partitions.put(tx.state, name, next);
    await ctx.audit.append(tx, {
      kind: "custody.msk-rotated",
      subject: name,
      actor: ctx.actor,
      data: { epoch: next.epoch },
    });
    for (let e = 1; e < next.epoch; e++) if (await destroyEpochIfUnused(ctx, tx, next, e)) destroyed.push(e);
    return next.epoch;
  });
  if (options.batch === false) return { partition: name, epoch, moved: 0, destroyedEpochs: destroyed };
  // Collect the members of older epochs first (keys only), then move each in its own transaction.
  const members: string[] = [];
  for await (const e of ctx.storage.state.scan(EPOCH_MEMBER_TABLE, {
    prefix: `${name}/`,
    lt: `${name}/${pad(epoch)}/`,
  }))
    members.push(e.key);
  let moved = 0;
  options.onProgress?.(0, members.length);
  for (const [i, memberKey] of members.entries()) {
    const [, oldEpoch, address, label] = memberKey.split("/") as [string, string, string, string];
    const didMove = await runTx(ctx, async (tx) => {
      const part = await partitions.get(tx.state, name);
      const rec = await paths.get(tx.state, `${name}/${address}/${label}`);
      if (!part || !rec || rec.status === "revoked" || rec.epoch === null || rec.epoch >= part.epoch)
        return false;
      await movePath(ctx, tx, rec, part);
      return true;
    });
    if (didMove) {
      moved++;
      const e = Number(oldEpoch);
      if (!(await ctx.storage.secrets.has(MSK_NAMESPACE, mskName(name, e))) && !destroyed.includes(e))
        destroyed.push(e);
    }
    options.onProgress?.(i + 1, members.length);
  }
  return { partition: name, epoch, moved, destroyedEpochs: destroyed.sort((a, b) => a - b) };
}
