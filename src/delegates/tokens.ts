// Migration tokens: 32 random bytes shown once as "kwmt_<base64url>", stored only as a keyed BLAKE3 hash.
import { assertInteger } from "../crypto/assert.js";
import { base64urlToBytes, bytesToBase64url, bytesToHex, wipe } from "../crypto/bytes.js";
import { randomBytes } from "../crypto/random.js";
import { InputRangeError, InputTypeError } from "../errors/input-errors.js";
import { KeywardError } from "../errors/keyward-error.js";
import { deriveSubkey } from "../kdf/subkey.js";
import { checkMigrationPair } from "./migration-rules.js";
import type { DelegatesContext } from "./ports.js";
import { TABLES } from "./records.js";
import { delegateKeyHex } from "./validate.js";

/** Prefix of every migration token (makes them greppable by secret scanners). */
export const TOKEN_PREFIX = "kwmt_";
/** Derivation context of the stored token hash. */
export const TOKEN_HASH_CONTEXT = "keyward v1 migration-token";
/** Default and maximum token lifetimes, seconds. */
export const DEFAULT_TOKEN_TTL = 3600;
export const MAX_TOKEN_TTL = 30 * 24 * 3600;

/** A freshly issued token: `token` is shown once and never stored. */
export interface IssuedToken {
  readonly token: string;
  /** Public token id (the stored hash's first 16 hex characters), safe to log. */
  readonly id: string;
  readonly from: string;
  readonly to: string;
  readonly expiresAt: string;
}

/**
 * Parses a token string to its 32 bytes.
 * @throws {TypeError|RangeError} naming `token` (never echoing it).
 */
export function parseToken(token: unknown): Uint8Array {
  if (typeof token !== "string") throw new InputTypeError("token must be a string");
  if (!token.startsWith(TOKEN_PREFIX)) throw new InputRangeError(`token must start with ${TOKEN_PREFIX}`);
  let bytes: Uint8Array;
  try {
    bytes = base64urlToBytes(token.slice(TOKEN_PREFIX.length), "token");
  } catch {
    throw new InputRangeError("token is not well-formed");
  }
  if (bytes.length !== 32) throw new InputRangeError("token is not well-formed");
  return bytes;
}

/** The stored hash (hex) of a token's bytes: `deriveSubkey(TOKEN_HASH_CONTEXT, bytes)`. */
export function tokenHash(bytes: Uint8Array): string {
  return bytesToHex(deriveSubkey(TOKEN_HASH_CONTEXT, bytes));
}

/** Issues single-use migration tokens. */
export class MigrationTokens {
  constructor(private readonly ctx: DelegatesContext) {}

  /**
   * Issues a token for migrating `from` → `to`, valid `ttlSeconds`. The pair must meet the migration rules
   * now (checkMigrationPair); they are checked again when the token is used.
   * @throws KeywardError `not_found`, `wrong_app`, `invalid_certificate`, `rollback`, `revoked_target`,
   *   `migrated`; {RangeError} for a bad ttl. `actor` (the caller) is recorded on the audit entry.
   * @example const { token } = await delegates.tokens.issue(v1Key, v2Key, 600);
   */
  async issue(
    from: string | Uint8Array,
    to: string | Uint8Array,
    ttlSeconds = DEFAULT_TOKEN_TTL,
    actor?: string,
  ): Promise<IssuedToken> {
    const src = delegateKeyHex(from, "from");
    const dst = delegateKeyHex(to, "to");
    assertInteger(ttlSeconds, 1, MAX_TOKEN_TTL, "ttlSeconds");
    const bytes = randomBytes(32);
    try {
      const hash = tokenHash(bytes);
      const issuedAt = this.ctx.now();
      const expiresAt = issuedAt + ttlSeconds * 1000;
      await this.ctx.storage.transaction(async (tx) => {
        // The pair's rules are checked now too: a token `migrate` would refuse is never issued.
        await checkMigrationPair(tx.state, src, dst);
        const id = hash.slice(0, 16);
        // 256 random bits: a collision is not a real case, but never overwrite a token record.
        if (!(await TABLES.token.insert(tx.state, hash, { id, from: src, to: dst, issuedAt, expiresAt })))
          throw new KeywardError("conflict", "token collision, issue again");
        await this.ctx.audit.append(tx, {
          kind: "delegate.token.issued",
          subject: `delegate:${src}`,
          actor,
          data: { token: id, to: dst, expiresAt },
        });
      });
      return {
        token: TOKEN_PREFIX + bytesToBase64url(bytes),
        id: hash.slice(0, 16),
        from: src,
        to: dst,
        expiresAt: new Date(expiresAt).toISOString(),
      };
    } finally {
      wipe(bytes);
    }
  }
}
