// Wires the delegations domain: the store and index, a sealed Ed25519 checkpoint signer, checkpoints and proofs.
import type { KeyObject } from "node:crypto";
import { randomBytes } from "../crypto/random.js";
import { Secret } from "../crypto/secret.js";
import { type CheckpointSigner, DelegationTree } from "../delegations/checkpoint.js";
import { DelegationStore } from "../delegations/delegation-store.js";
import { DELEGATION_TABLES, seqKey } from "../delegations/event-log.js";
import type { DelegationId } from "../delegations/ids.js";
import type {
  DelegationAbsenceProof,
  DelegationCheckpoint,
  DelegationProof,
} from "../delegations/proof-format.js";
import { KeywardError } from "../errors/keyward-error.js";
import type { Storage } from "../store/ports.js";
import { RecordTable } from "../store/records.js";

/** Secret namespace and name of the checkpoint signing seed (32 bytes, sealed). */
export const DELEGATIONS_SECRET_NAMESPACE = "delegations";
export const CHECKPOINT_KEY_NAME = "checkpoint-signing-key";

const checkpoints = new RecordTable<DelegationCheckpoint>(DELEGATION_TABLES.checkpoint);

/** Ed25519 (and the libsodium binding behind it), loaded only by the commands that sign or derive a key. */
const ed25519 = () => import("../crypto/ed25519.js");

/**
 * A CheckpointSigner over a sealed Ed25519 seed in the SecretStore, created on first use (one transaction, so
 * instances racing on a new store agree on one key). The seed is wiped once imported as a KeyObject.
 * @example const signer = await storageCheckpointSigner(storage); signer.publicKey;
 */
export async function storageCheckpointSigner(storage: Storage): Promise<CheckpointSigner> {
  const secret = await storage.transaction(async (tx) => {
    const existing = await tx.secrets.get(DELEGATIONS_SECRET_NAMESPACE, CHECKPOINT_KEY_NAME);
    if (existing) return existing;
    const fresh = Secret.adopt(randomBytes(32));
    await tx.secrets.put(DELEGATIONS_SECRET_NAMESPACE, CHECKPOINT_KEY_NAME, fresh);
    return fresh;
  });
  const { ed25519PrivateKeyObject, ed25519PublicKey, ed25519Sign } = await ed25519();
  let key: KeyObject;
  let publicKey: Uint8Array;
  try {
    key = secret.use((seed) => ed25519PrivateKeyObject(seed));
    publicKey = secret.use((seed) => ed25519PublicKey(seed));
  } finally {
    secret.wipe();
  }
  return { publicKey, sign: (message) => ed25519Sign(key, message) };
}

/**
 * The public key of this store's checkpoint signer, or undefined when no checkpoint key exists yet (nothing is
 * created: verification must not mint keys).
 */
export async function storedCheckpointPublicKey(storage: Storage): Promise<Uint8Array | undefined> {
  const secret = await storage.secrets.get(DELEGATIONS_SECRET_NAMESPACE, CHECKPOINT_KEY_NAME);
  if (!secret) return undefined;
  const { ed25519PublicKey } = await ed25519();
  try {
    return secret.use((seed) => ed25519PublicKey(seed));
  } finally {
    secret.wipe();
  }
}

/** A checkpoint with the proof of one key (its history, or its absence), as `keyward delegations prove` writes it. */
export interface DelegationProofFile {
  readonly checkpoint: DelegationCheckpoint;
  readonly proof: DelegationProof | DelegationAbsenceProof;
}

/**
 * The delegations service: index rebuilt at open, writes, checkpoints and proofs.
 *
 * For the HTTP service: call `sync()` on an interval (≤ 250 ms) and before answering a read that must reflect
 * another instance's latest writes; it costs one range read when nothing changed. Reads (`store.index.check`)
 * are synchronous and always see a consistent state; writes (`store.write`) catch up with the log first.
 * @example
 * const delegations = await DelegationsService.open(storage);
 * setInterval(() => delegations.sync(), 250);
 * delegations.store.index.check(1234, "A", 1, 1500);
 */
export class DelegationsService {
  #signer: CheckpointSigner | undefined;

  private constructor(
    readonly storage: Storage,
    readonly store: DelegationStore,
    signer: CheckpointSigner | undefined,
  ) {
    this.#signer = signer;
  }

  /** Opens the domain over `storage` (rebuilds the index). `signer` defaults to the sealed storage key. */
  static async open(
    storage: Storage,
    options: { signer?: CheckpointSigner } = {},
  ): Promise<DelegationsService> {
    return new DelegationsService(storage, await DelegationStore.open(storage), options.signer);
  }

  /** Applies events written by other instances; returns how many. */
  sync(): Promise<number> {
    return this.store.sync();
  }

  /** The checkpoint signer (created on first use when none was given). */
  async signer(): Promise<CheckpointSigner> {
    this.#signer ??= await storageCheckpointSigner(this.storage);
    return this.#signer;
  }

  /** Signs and stores a checkpoint of the current log position (an existing one at that position is returned). */
  async checkpoint(): Promise<DelegationCheckpoint> {
    const signer = await this.signer();
    await this.sync();
    const tree = DelegationTree.build(this.store.index);
    const existing = await checkpoints.get(this.storage.state, seqKey(tree.seq));
    if (existing) return existing;
    const cp = await tree.sign(signer);
    if (!(await checkpoints.insert(this.storage.state, seqKey(cp.seq), cp)))
      return (await checkpoints.get(this.storage.state, seqKey(cp.seq)))!;
    return cp;
  }

  /** The newest stored checkpoint, if any. */
  async latestCheckpoint(): Promise<DelegationCheckpoint | undefined> {
    for await (const { value } of checkpoints.scan(this.storage.state, { reverse: true, limit: 1 }))
      return value;
    return undefined;
  }

  /**
   * Proves one key's history against the newest checkpoint (rebuilding the index state it covers if the live
   * index has moved on); a key with no history at that checkpoint gets a proof of absence.
   * @throws KeywardError `not_found` when there is no checkpoint yet.
   */
  async prove(
    delegator: DelegationId,
    provider: DelegationId,
    scope: DelegationId,
  ): Promise<DelegationProofFile> {
    const checkpoint = await this.latestCheckpoint();
    if (!checkpoint)
      throw new KeywardError("not_found", "no checkpoint yet: run `keyward delegations checkpoint`");
    const index =
      this.store.index.lastSeq === checkpoint.seq
        ? this.store.index
        : (await DelegationStore.open(this.storage, checkpoint.seq)).index;
    const tree = DelegationTree.build(index);
    if (Buffer.from(tree.root).toString("base64url") !== checkpoint.root)
      throw new KeywardError("internal", "the stored checkpoint does not match the log it covers");
    // A key that was never granted gets a proof of absence (its neighbours in key order) instead.
    const proof =
      index.keyRow(delegator, provider, scope) >= 0
        ? tree.prove(delegator, provider, scope)
        : tree.proveAbsence(delegator, provider, scope);
    return { checkpoint, proof };
  }
}
