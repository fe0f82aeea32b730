// Audit: the hash-chained append-only log every domain writes its events to (through an AuditSink port).
export { AuditLog, type AuditLogOptions } from "./audit-log.js";
export { AUDIT_TAGS } from "./entry.js";
export type { AuditEntry, AuditEvent, AuditSink, AuditVerifyResult } from "./types.js";
