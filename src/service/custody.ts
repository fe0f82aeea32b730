// Composition root for custody: wires the audit log in as custody's audit port.
import type { AuditLog } from "../audit/audit-log.js";
import type { CustodyOptions } from "../custody/context.js";
import { Custody } from "../custody/custody.js";
import type { Storage } from "../store/ports.js";
import { openAuditLog } from "./audit.js";

export type { Custody } from "../custody/custody.js";
export { assertScheme, IDENTITY_MAX, LABEL_MAX, type Scheme } from "../custody/identity.js";
export type { IdentityRef } from "../custody/path-ops.js";
export { MAX_SIGN_BATCH, type SignOptions } from "../custody/sign-request.js";

/** Custody plus the audit log it writes to (the same log `keyward audit verify` checks). */
export interface CustodyService {
  readonly custody: Custody;
  readonly audit: AuditLog;
  /** Wipes cached MSKs and audit keys and stops custody's sign pool (does not close the storage). */
  close(): void;
}

/**
 * Creates custody over `storage`, opening the audit log unless one is given. Used by the CLI and HTTP.
 * @example const { custody } = await createCustody(storage, { actor: "cli" });
 */
export async function createCustody(
  storage: Storage,
  options: Partial<CustodyOptions> & { audit?: AuditLog } = {},
): Promise<CustodyService> {
  const audit = options.audit ?? (await openAuditLog(storage, options.now ? { now: options.now } : {}));
  const custody = new Custody(storage, { ...options, audit });
  return {
    custody,
    audit,
    close() {
      custody.close();
      if (!options.audit) audit.close();
    },
  };
}
