// keyward: the package root. Named exports only; each section is owned by one domain.

// --- audit ---
export * from "./audit/index.js";
// --- crypto ---
export * from "./crypto/index.js";
// --- custody ---
export * from "./custody/index.js";
// --- delegates ---
export * from "./delegates/index.js";
// --- delegations: Frequency's data and DSNP batch files (docs/frequency-dsnp.md) ---
export {
  type DsnpValidateOptions,
  type DsnpValidationSummary,
  validateDsnpBatch,
} from "./delegations/dsnp-validate.js";
export { type FrequencyDerivation, FrequencyHistory } from "./delegations/frequency-history.js";
// --- delegations ---
export {
  BatchRefusedError,
  type CheckpointSigner,
  type CheckResult,
  type CompactComparison,
  checkpointMessage,
  compareWithCompactView,
  DELEGATION_TABLES,
  DELEGATION_TAGS,
  type DelegationAbsenceProof,
  type DelegationCheckpoint,
  type DelegationEvent,
  type DelegationId,
  DelegationIndex,
  type DelegationInterval,
  type DelegationProof,
  type DelegationProofResult,
  DelegationStore,
  DelegationTree,
  decodeIndexSnapshot,
  encodeIndexSnapshot,
  type GrantEvent,
  type ImportOptions,
  ImportRefusedError,
  type ImportSummary,
  INDEX_SNAPSHOT_VERSION,
  type IndexStats,
  importEvents,
  type KeyHistory,
  type LineError,
  leafBytes,
  loadIndexSnapshot,
  normalizeId as normalizeDelegationId,
  type OpenReport,
  parseEvent as parseDelegationEvent,
  type RevokeEvent,
  SNAPSHOT_EVERY_EVENTS,
  type SnapshotLoad,
  type SnapshotManifest,
  type SnapshotWriteResult,
  type ValidateOptions,
  type ValidationSummary,
  validateBatch,
  verifyDelegationProof,
  type WireInterval,
  type WriteOutcome,
  writeIndexSnapshot,
} from "./delegations/index.js";
export { parseSemantics, SemanticLookup, type Semantics } from "./delegations/semantics.js";
// --- errors ---
export * from "./errors/index.js";
// --- http (the composition root and API tokens are exported with the other service/ wiring below) ---
export { type AppOptions, buildApp } from "./http/app.js";
export { type SealedServerOptions, startSealedServer } from "./http/sealed-server.js";
export { type RunningServer, type ServerOptions, startServer } from "./http/server.js";
export { DsnpBatch, type DsnpBatchInfo, type DsnpRowGroup } from "./interop/dsnp/batch-reader.js";
export {
  DSNP_BATCH_TYPES,
  DSNP_MAX_BATCH_ROWS,
  type DsnpBatchType,
  dsnpBatchTypeOf,
} from "./interop/dsnp/batch-schema.js";
// --- interop: River's wire format and the contract runner ---
export {
  type ContractAnswer,
  ContractRunner,
  type ContractRunnerOptions,
} from "./interop/freenet/contract-runner.js";
// --- interop: freenet WebAssembly host, River chat-delegate messages ---
export { FreenetDelegate } from "./interop/freenet/delegate-host.js";
export {
  decodeDelegateResult,
  encodeApplicationMessage,
  encodeOrigin,
  type MessageOrigin,
  type OutboundDelegateMsg,
} from "./interop/freenet/delegate-messages.js";
export { CONTRACT_IMPORTS, DELEGATE_IMPORTS, prepareModule } from "./interop/freenet/module.js";
export { type SandboxLimits, WasmSandbox } from "./interop/freenet/sandbox.js";
export { type MsaRecord, parseMsaRecord } from "./interop/frequency/msa-records.js";
export {
  type ChatRoomDelta,
  type ChatRoomState,
  decodeChatRoomParameters,
  decodeChatRoomState,
  encodeChatRoomDelta,
  encodeChatRoomParameters,
  encodeChatRoomState,
  fastHash,
  riverMemberId,
} from "./interop/river/index.js";
export { type ChatRequest, describePayload, encodeChatRequest } from "./interop/river-chat/chat-messages.js";
// --- kdf ---
export * from "./kdf/index.js";
// --- rooms ---
export {
  assertRiverMemberKey,
  decryptSecretForMember,
  encryptSecretForMember,
  RIVER_ECIES_EPHEMERAL_DOMAIN,
  RIVER_V1_SUITE,
  type RiverEncryptedSecret,
} from "./kdf/river-ecies.js";
export * from "./rooms/index.js";
export { openAuditLog } from "./service/audit.js";
export {
  type BackupCounts,
  type BackupResult,
  backupStore,
  type RestoreResult,
  restoreStore,
} from "./service/backup.js";
export { type CustodyService, createCustody } from "./service/custody.js";
export { type CreateDelegatesOptions, createDelegates } from "./service/delegates.js";
export {
  CHECKPOINT_KEY_NAME,
  DELEGATIONS_SECRET_NAMESPACE,
  type DelegationProofFile,
  type DelegationsOptions,
  DelegationsService,
  type DelegationsWarning,
  storageCheckpointSigner,
} from "./service/delegations.js";
export { type DsnpFileOptions, isParquetFile, validateDsnpFile } from "./service/dsnp-batches.js";
export {
  type FrequencyImportOptions,
  type FrequencyImportSummary,
  importFrequencyDump,
} from "./service/frequency-import.js";
export {
  createKeyward,
  createTokenService,
  type Keyward,
  type KeywardOptions,
  openKeyward,
  USER_SECRET_NAMESPACE,
} from "./service/keyward.js";
export { type RiverVerdict, riverValidateState } from "./service/river.js";
export {
  type CustodyEd25519Lender,
  type CustodyIdentityRef,
  createRooms,
  custodyRoomOwnerKeys,
  type WiredRooms,
} from "./service/rooms.js";
export {
  hasScope,
  isScope,
  SCOPES,
  type Scope,
  type TokenInfo,
  type TokenPrincipal,
  TokenService,
} from "./service/tokens.js";
export {
  keywardOpener,
  type SealGate,
  type SealStatus,
  UNSEALED,
  type UnsealAttempt,
  UnsealGate,
} from "./service/unseal-gate.js";
// --- store ---
export * from "./store/index.js";
