// Composition root for the delegates domain: wires its AuditSink port to the audit log and picks the clock.

import type { Custody } from "../custody/custody.js";
import { Delegates } from "../delegates/delegates.js";
import type { AuditSink } from "../delegates/ports.js";
import type { CosignerSharePort } from "../delegates/sessions/cosigner-shares.js";
import type { SessionKeys } from "../delegates/sessions/session-keys.js";
import type { Storage } from "../store/ports.js";
import { openAuditLog } from "./audit.js";

export type { AppInfo } from "../delegates/apps.js";
export { certifyDelegate, formatCertificate, parseCertificate } from "../delegates/certificate.js";
export type { Delegates } from "../delegates/delegates.js";
export type { CosignerInfo } from "../delegates/sessions/cosigner-view.js";
export type { SessionInfo } from "../delegates/sessions/sessions.js";
export { signRotation } from "../delegates/statements.js";
export { DEFAULT_TOKEN_TTL, MAX_TOKEN_TTL } from "../delegates/tokens.js";
export { MAX_TIME_MS } from "../delegates/validate.js";
export type { VersionInfo, VersionStatus } from "../delegates/versions.js";

/** Options of `createDelegates`. */
export interface CreateDelegatesOptions {
  /** An already opened audit log (default: open the storage's audit log). */
  readonly audit?: AuditSink;
  /** Epoch milliseconds (default Date.now). */
  readonly now?: () => number;
  /** Where session keys live (default: sealed seeds in the delegate's own namespace). */
  readonly sessionKeys?: SessionKeys;
  /** Custody whose `bip340` identity keys may serve as MuSig2 cosigner shares. */
  readonly custody?: Custody;
}

/**
 * The delegates' cosigner share port over custody: a share is a custody identity's `bip340` key, lent per use;
 * the loan's audit entry names the caller (`actor`, passed on to custody).
 */
export function custodyCosignerShares(custody: Custody): CosignerSharePort {
  return {
    withShare: (ref, purpose, fn, actor) => custody.withBip340Key(ref, (sk) => fn(sk), purpose, actor),
  };
}

/**
 * The delegates domain over `storage`, its events appended to the hash-chained audit log in the same
 * transaction as each change.
 * @example const delegates = await createDelegates(storage); await delegates.sessions.rehydrate();
 */
export async function createDelegates(
  storage: Storage,
  options: CreateDelegatesOptions = {},
): Promise<Delegates> {
  const audit = options.audit ?? (await openAuditLog(storage));
  return new Delegates({
    storage,
    audit,
    ...(options.now ? { now: options.now } : {}),
    ...(options.sessionKeys ? { sessionKeys: options.sessionKeys } : {}),
    ...(options.custody ? { cosignerShares: custodyCosignerShares(options.custody) } : {}),
  });
}
