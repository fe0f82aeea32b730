// Composition root for the audit domain: one AuditLog per opened storage, handed to every domain as its AuditSink.
import { AuditLog, type AuditLogOptions } from "../audit/audit-log.js";
import type { Storage } from "../store/ports.js";

/**
 * Opens the audit log of `storage` (creating its sealed key on first use). Pass the result to each domain's
 * factory as its `AuditSink`, and use `verify()` for `keyward audit verify`.
 * @example const audit = await openAuditLog(storage); (await audit.verify()).ok;
 */
export function openAuditLog(storage: Storage, options: AuditLogOptions = {}): Promise<AuditLog> {
  return AuditLog.open(storage, options);
}
