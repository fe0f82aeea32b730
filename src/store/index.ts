// Storage: the StateStore/SecretStore ports, typed records, sealing, rehydration, domain migrations and backends.
export {
  type AppliedMigration,
  appliedMigrations,
  type DomainMigration,
  type MigrationResult,
  runDomainMigrations,
} from "./migrations.js";
export { type OpenStorageOptions, openStorage, resolveDbUrl, sealedParts, storeUnsealMode } from "./open.js";
export type {
  LockMode,
  LogReader,
  LogRow,
  LogScanOptions,
  LogWriter,
  ScanOptions,
  SecretReader,
  SecretWriter,
  StateEntry,
  StateReader,
  StateWriter,
  Storage,
  StorageTx,
  TxLocks,
} from "./ports.js";
export { type Codec, jsonCodec, RecordTable } from "./records.js";
export {
  persistWithSecret,
  type Rehydrated,
  type RehydrationEvent,
  type RehydrationReason,
  type RehydrationReport,
  type RehydrationSpec,
  rehydrateAll,
  rehydrateOne,
  type SecretRef,
} from "./rehydrate.js";
export {
  type DataKeyStatus,
  dataKeyStatus,
  type ResealResult,
  resealSecrets,
  rotateDataKey,
  type SealedParts,
} from "./sealing/data-keys.js";
export {
  combineShares,
  encodeShare,
  newUnsealShares,
  parseShare,
  parseSharesText,
  type ShareSplit,
  validateShareSplit,
} from "./sealing/key-shares.js";
export type { UnsealMaterial, UnsealMode } from "./sealing/root-key.js";
