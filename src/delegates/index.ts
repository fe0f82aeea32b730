// Delegates domain (DESIGN §5): apps and key chains, certified versions, secret namespaces, migration, sessions.
export { type AppInfo, AppRegistry, verifyKeyChain } from "./apps.js";
export {
  CERTIFICATE_TAG,
  CERTIFICATE_TYPE,
  type CertificateBody,
  certificateBytes,
  certifyDelegate,
  type DelegateCertificate,
  formatCertificate,
  parseCertificate,
  verifyCertificate,
} from "./certificate.js";
export { Delegates, type DelegatesOptions } from "./delegates.js";
export { type DelegateMigrationResult, DelegateMigrations } from "./migration.js";
export type { AuditSink as DelegatesAuditSink, DelegatesAuditEvent, DelegatesContext } from "./ports.js";
export { delegateNamespace } from "./records.js";
export { DelegateSecrets } from "./secrets.js";
export { checkPolicy, type PolicyRefusal, type SessionPolicy } from "./sessions/policy.js";
export {
  SealedSeedSessionKeys,
  type SessionKeys,
  type SessionSigner,
} from "./sessions/session-keys.js";
export type { RehydrateReport } from "./sessions/session-rehydrate.js";
export { type ActionInput, DelegateSessions, type SessionInfo } from "./sessions/sessions.js";
export {
  REVOCATION_TAG,
  type RevocationStatement,
  ROTATION_TAG,
  type RotationStatement,
  revocationBytes,
  rotationBytes,
  signRevocation,
  signRotation,
  verifyRevocation,
  verifyRotation,
} from "./statements.js";
export { type IssuedToken, MigrationTokens, parseToken, TOKEN_PREFIX, tokenHash } from "./tokens.js";
export { DelegateVersions, type VersionInfo, type VersionStatus } from "./versions.js";
export { DelegateModules, type ModuleVersionInfo } from "./wasm/modules.js";
export {
  type DelegateCallInput,
  type DelegateCallResult,
  DelegateRuntime,
  type RuntimeOptions,
} from "./wasm/runtime.js";
