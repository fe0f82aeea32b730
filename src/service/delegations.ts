// The delegations facade both surfaces call: writes, checks, import, validation, snapshots, checkpoints, proofs.
import type { ValidateOptions, ValidationSummary } from "../delegations/batch-validate.js";
import { type CheckpointSigner, DelegationTree } from "../delegations/checkpoint.js";
import { type CompactComparison, compareWithCompactView } from "../delegations/compact-view.js";
import { DelegationStore, type OpenReport, type WriteOutcome } from "../delegations/delegation-store.js";
import { DELEGATION_TABLES, seqKey } from "../delegations/event-log.js";
import { assertPosition, type DelegationId, normalizeId } from "../delegations/ids.js";
import type { ImportOptions, ImportSummary } from "../delegations/import-events.js";
import type { CheckResult, KeyHistory } from "../delegations/index-types.js";
import type {
  DelegationAbsenceProof,
  DelegationCheckpoint,
  DelegationProof,
} from "../delegations/proof-format.js";
import { providerSemantics, SemanticLookup, type Semantics } from "../delegations/semantics.js";
import type { SnapshotWriteResult } from "../delegations/snapshot-store.js";
import type { DelegationProofResult } from "../delegations/verify-proof.js";
import { KeywardError, toPublicError } from "../errors/keyward-error.js";
import type { Storage } from "../store/ports.js";
import { RecordTable } from "../store/records.js";
import { storageCheckpointSigner } from "./checkpoint-signer.js";

export {
  CHECKPOINT_KEY_NAME,
  DELEGATIONS_SECRET_NAMESPACE,
  storageCheckpointSigner,
  storedCheckpointPublicKey,
} from "./checkpoint-signer.js";

const checkpoints = new RecordTable<DelegationCheckpoint>(DELEGATION_TABLES.checkpoint);

// Loaded on first use: a `check` process never pays for the import, validation or proof-verifier modules.
const importModule = () => import("../delegations/import-events.js");
const validateModule = () => import("../delegations/batch-validate.js");
const verifyModule = () => import("../delegations/verify-proof.js");

/** A checkpoint with the proof of one key (its history, or its absence), as `keyward delegations prove` writes it. */
export interface DelegationProofFile {
  readonly checkpoint: DelegationCheckpoint;
  readonly proof: DelegationProof | DelegationAbsenceProof;
}

/** Options of `DelegationsService.open`. */
export interface DelegationsOptions {
  /** Signs checkpoints (default: the sealed Ed25519 key of this storage, created on first use). */
  readonly signer?: CheckpointSigner;
  /** Events applied since the last index snapshot after which an import or checkpoint writes one (100,000). */
  readonly snapshotEvery?: number;
}

/** Receives a warning that did not fail the operation (e.g. an index snapshot that could not be written). */
export type DelegationsWarning = (message: string) => void;

/** A check answered under Frequency's inclusive reading (`{from, revokedAt}`: valid through revokedAt). */
export type ReadingCheck = ReturnType<SemanticLookup["check"]>;

/**
 * The delegations service: the one way the CLI and the HTTP API reach the delegations domain, so both behave
 * the same (an import writes an index snapshot when one is due, from either surface).
 *
 * For the HTTP service: call `sync()` on an interval (≤ 250 ms) and before answering a read that must reflect
 * another instance's latest writes; it costs one range read when nothing changed. Reads (`check`, `history`,
 * `compare`) are synchronous and always see a consistent state; writes catch up with the log first.
 * @example
 * const delegations = await DelegationsService.open(storage);
 * setInterval(() => delegations.sync(), 250);
 * delegations.check(1234, "A", 1, 1500);
 */
export class DelegationsService {
  #signer: CheckpointSigner | undefined;
  readonly #snapshotEvery: number | undefined;

  private constructor(
    readonly storage: Storage,
    readonly store: DelegationStore,
    options: DelegationsOptions,
  ) {
    this.#signer = options.signer;
    this.#snapshotEvery = options.snapshotEvery;
  }

  /**
   * Opens the domain over `storage` (rebuilds the index).
   * @throws {TypeError|RangeError} when `options.snapshotEvery` is not a position.
   */
  static async open(storage: Storage, options: DelegationsOptions = {}): Promise<DelegationsService> {
    if (options.snapshotEvery !== undefined) assertPosition(options.snapshotEvery, "options.snapshotEvery");
    return new DelegationsService(storage, await DelegationStore.open(storage), options);
  }

  /** How the index was built at open: snapshot loaded or why not, events replayed, time taken. */
  get opened(): OpenReport {
    return this.store.opened;
  }

  /** Applies events written by other instances; returns how many. */
  sync(): Promise<number> {
    return this.store.sync();
  }

  /** Validates and durably applies a batch of events, all or nothing (see `DelegationStore.write`). */
  write(events: readonly unknown[]): Promise<WriteOutcome[]> {
    return this.store.write(events);
  }

  /** Exact point-in-time check (keyward's half-open reading). @throws {TypeError|RangeError} for bad input. */
  check(delegator: DelegationId, provider: DelegationId, scope: DelegationId, at: number): CheckResult {
    return this.store.index.check(delegator, provider, scope, at);
  }

  /**
   * The check under `semantics`, or under the provider's own reading when not given (Frequency's for providers
   * imported from Frequency): undefined when that is keyward's reading (answer with `check`).
   * @throws {TypeError|RangeError} for a malformed id or position.
   */
  async readingCheck(
    delegator: DelegationId,
    provider: DelegationId,
    scope: DelegationId,
    at: number,
    semantics?: Semantics,
  ): Promise<ReadingCheck | undefined> {
    const p = normalizeId(provider, "provider");
    const reading = semantics ?? (await providerSemantics(this.storage.state, p));
    if (reading !== "frequency") return undefined;
    const lookup = new SemanticLookup(this.store.index, reading);
    return lookup.check(normalizeId(delegator, "delegator"), p, normalizeId(scope, "scope"), at);
  }

  /** The exact answer next to what a compact granted_at/revoked_at view would say (seed 003). */
  compare(
    delegator: DelegationId,
    provider: DelegationId,
    scope: DelegationId,
    at: number,
  ): CompactComparison {
    return compareWithCompactView(this.store.index, delegator, provider, scope, at);
  }

  /** Every validity interval of (delegator, provider[, scope]), newest key first. */
  history(delegator: DelegationId, provider: DelegationId, scope?: DelegationId): KeyHistory[] {
    return this.store.index.history(delegator, provider, scope);
  }

  /**
   * Imports NDJSON events (all or nothing, resumable: see `importEvents`), then writes an index snapshot when
   * one is due; a snapshot that cannot be written does not fail the import and goes to `onWarning`.
   * @throws ImportRefusedError naming the bad lines; nothing is applied.
   */
  async importEvents(options: ImportOptions & { onWarning?: DelegationsWarning }): Promise<ImportSummary> {
    const { onWarning, ...importOptions } = options;
    const { importEvents } = await importModule();
    const summary = await importEvents(this.store, importOptions);
    await this.snapshotIfDue(onWarning);
    return summary;
  }

  /**
   * Checks every CSV/NDJSON row read from `source` against the index (see `validateBatch`).
   * @throws {RangeError} when the CSV header lacks a column or a line is too long.
   */
  async validate(
    source: AsyncIterable<Uint8Array>,
    options: ValidateOptions = {},
  ): Promise<ValidationSummary> {
    const { validateBatch } = await validateModule();
    return validateBatch(this.store.index, source, options);
  }

  /** Stores an index snapshot at the current position (nothing when another instance stored a later one). */
  snapshot(): Promise<SnapshotWriteResult> {
    return this.store.snapshot();
  }

  /**
   * `snapshot()` when enough events were applied since the last one; a failure is passed to `onWarning`
   * (default: `process.emitWarning`) and never thrown, since the log stays the source of truth.
   */
  async snapshotIfDue(onWarning?: DelegationsWarning): Promise<SnapshotWriteResult | undefined> {
    try {
      return await this.store.snapshotIfDue(this.#snapshotEvery);
    } catch (err) {
      const message = `delegation index snapshot not written: ${toPublicError(err).message}`;
      if (onWarning) onWarning(message);
      else process.emitWarning(message);
      return undefined;
    }
  }

  /** The checkpoint signer (created on first use when none was given). */
  async signer(): Promise<CheckpointSigner> {
    this.#signer ??= await storageCheckpointSigner(this.storage);
    return this.#signer;
  }

  /**
   * Signs and stores a checkpoint of the current log position (an existing one at that position is returned),
   * then writes an index snapshot when one is due (a failure goes to `onWarning`).
   */
  async checkpoint(onWarning?: DelegationsWarning): Promise<DelegationCheckpoint> {
    const signer = await this.signer();
    await this.sync();
    const tree = DelegationTree.build(this.store.index);
    let cp = await checkpoints.get(this.storage.state, seqKey(tree.seq));
    if (!cp) {
      cp = await tree.sign(signer);
      if (!(await checkpoints.insert(this.storage.state, seqKey(cp.seq), cp)))
        cp = (await checkpoints.get(this.storage.state, seqKey(cp.seq)))!;
    }
    await this.snapshotIfDue(onWarning);
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

  /**
   * Verifies a proof against a checkpoint and a trusted key at `at`, using no state (the verifier is loaded on
   * first use). Returns the answer, or false when the proof does not verify.
   */
  static async verify(
    proof: unknown,
    checkpoint: unknown,
    publicKey: Uint8Array | string,
    at: number,
  ): Promise<DelegationProofResult | false> {
    const { verifyDelegationProof } = await verifyModule();
    return verifyDelegationProof(proof, checkpoint, publicKey, at);
  }
}
