// Delegations domain (seed 003): full-history index, durable event log, import, batch validation, proofs.
export { type ValidateOptions, type ValidationSummary, validateBatch } from "./batch-validate.js";
export { type CheckpointSigner, DelegationTree } from "./checkpoint.js";
export { type CompactComparison, compareWithCompactView } from "./compact-view.js";
export {
  type CheckResult,
  DelegationIndex,
  type DelegationInterval,
  type IndexStats,
  type KeyHistory,
} from "./delegation-index.js";
export {
  BatchRefusedError,
  DelegationStore,
  type OpenReport,
  type WriteOutcome,
} from "./delegation-store.js";
export { DELEGATION_TABLES } from "./event-log.js";
export { type DelegationEvent, eventHash, type GrantEvent, parseEvent, type RevokeEvent } from "./events.js";
export { type DelegationId, normalizeId } from "./ids.js";
export {
  type ImportOptions,
  ImportRefusedError,
  type ImportSummary,
  importEvents,
  type LineError,
} from "./import-events.js";
export { decodeIndexSnapshot, encodeIndexSnapshot, INDEX_SNAPSHOT_VERSION } from "./index-snapshot.js";
export {
  checkpointMessage,
  DELEGATION_TAGS,
  type DelegationAbsenceProof,
  type DelegationCheckpoint,
  type DelegationProof,
  leafBytes,
  type WireInterval,
} from "./proof-format.js";
export {
  loadIndexSnapshot,
  SNAPSHOT_CHUNK_BYTES,
  SNAPSHOT_EVERY_EVENTS,
  type SnapshotLoad,
  type SnapshotManifest,
  type SnapshotWriteResult,
  writeIndexSnapshot,
} from "./snapshot-store.js";
export { type DelegationProofResult, verifyDelegationProof } from "./verify-proof.js";
