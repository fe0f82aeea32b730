// The one table of stable error codes: HTTP status and CLI exit code for each.

/** How one error code surfaces on each surface. */
export interface ErrorCodeInfo {
  /** HTTP status for the JSON error body. */
  readonly http: number;
  /** CLI exit code: 1 = refused by a rule, 2 = bad usage or malformed input. */
  readonly exit: 1 | 2;
}

/**
 * Every stable error code keyward emits. Domains add their codes here (one table, one place),
 * never ad-hoc strings elsewhere.
 */
export const ERROR_CODES = {
  invalid_input: { http: 400, exit: 2 },
  unauthorized: { http: 401, exit: 1 },
  forbidden: { http: 403, exit: 1 },
  not_found: { http: 404, exit: 1 },
  /** An HTTP route that exists with other methods (the response names them in `Allow`). */
  method_not_allowed: { http: 405, exit: 2 },
  conflict: { http: 409, exit: 1 },
  already_exists: { http: 409, exit: 1 },
  revoked: { http: 409, exit: 1 },
  suspended: { http: 423, exit: 1 },
  expired: { http: 410, exit: 1 },
  unseal_failed: { http: 503, exit: 1 },
  /** The server runs sealed (key-share unseal): only /healthz and /v1/sys/* answer until K shares arrive. */
  sealed: { http: 503, exit: 1 },
  decrypt_failed: { http: 500, exit: 1 },
  not_initialized: { http: 503, exit: 1 },
  invalid_certificate: { http: 422, exit: 1 },
  wrong_app: { http: 403, exit: 1 },
  rollback: { http: 409, exit: 1 },
  revoked_target: { http: 409, exit: 1 },
  migrated: { http: 409, exit: 1 },
  token_used: { http: 409, exit: 1 },
  token_expired: { http: 410, exit: 1 },
  token_mismatch: { http: 403, exit: 1 },
  invalid_signature: { http: 422, exit: 1 },
  invalid_proof: { http: 422, exit: 1 },
  unavailable: { http: 503, exit: 1 },
  /** Too many requests for this token or address (or too many failed authentications): 429 + Retry-After. */
  rate_limited: { http: 429, exit: 1 },
  payload_too_large: { http: 413, exit: 2 },
  unsupported_media_type: { http: 415, exit: 2 },
  /** `keyward audit verify` found a modified, removed, reordered or inserted entry. */
  audit_broken: { http: 500, exit: 1 },
  /** A stored delegation index snapshot does not decode (the index is then rebuilt from the log). */
  snapshot_corrupt: { http: 500, exit: 1 },
  // freenet WebAssembly host (issue #24): a module refused at registration, code not matching the certified hash,
  // a call that failed in the sandbox (trap, overrun, memory, malformed result), a delegate that answered Err.
  invalid_module: { http: 422, exit: 1 },
  code_mismatch: { http: 422, exit: 1 },
  module_failed: { http: 422, exit: 1 },
  delegate_error: { http: 422, exit: 1 },
  /** MuSig2 (BIP-327): another signer's public key, public nonce or partial signature, or the aggregate nonce, is invalid (details name the signer and the contribution). */
  invalid_contribution: { http: 422, exit: 1 },
  /** A cosigner round's secret nonce is gone (used, or destroyed at a restart): start round 1 again. */
  nonce_stale: { http: 409, exit: 1 },
  /** `keyward restore`: the file is not a keyward backup, is corrupt, or was changed after it was written. */
  backup_invalid: { http: 422, exit: 1 },
  internal: { http: 500, exit: 1 },
} as const satisfies Record<string, ErrorCodeInfo>;

/** A stable error code. */
export type ErrorCode = keyof typeof ERROR_CODES;

/** Looks up how a code surfaces; unknown codes surface as `internal`. */
export function errorCodeInfo(code: string): ErrorCodeInfo {
  return (ERROR_CODES as Record<string, ErrorCodeInfo>)[code] ?? ERROR_CODES.internal;
}
