// Custody: MSK-derived identity keys per partition, lifecycle, MSK rotation and legacy remap (seed 004).
export type { CustodyAuditSink, CustodyOptions } from "./context.js";
export { Custody } from "./custody.js";
export { CUSTODY_CONTEXTS, deriveIdentitySeed, identityAddress } from "./derive.js";
export {
  assertPartitionName,
  type CanonicalIdentity,
  canonicalIdentity,
  canonicalLabel,
  KNOWN_IDENTITY_TYPES,
  SCHEMES,
  type Scheme,
} from "./identity.js";
export type { IdentityKey, SignResult } from "./key-use.js";
export type { KeyChangeResult, PathHistory, StatusResult } from "./lifecycle.js";
export type { MskProgress, MskRotationResult, PartitionInfo } from "./partitions.js";
export type { IdentityRef } from "./path-ops.js";
export type { HistoryEntry, HistoryKind, PathStatus } from "./records.js";
export { MAX_SIGN_BATCH, type SignOptions } from "./sign-request.js";
export {
  type KeyChange,
  type KeyStatement,
  STATEMENT_TAG,
  type StatementSignatures,
  statementBytes,
  verifyKeyStatement,
} from "./statements.js";
