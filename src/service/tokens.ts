// API bearer tokens: scoped, optionally partition-bound, shown once, stored only as SHA-256 hashes.
import { assertName, assertString } from "../crypto/assert.js";
import { bytesToBase64url, bytesToHex, equalBytes, hexToBytes } from "../crypto/bytes.js";
import { sha256 } from "../crypto/hash.js";
import { randomBytes } from "../crypto/random.js";
import { InputRangeError, InputTypeError } from "../errors/input-errors.js";
import { KeywardError } from "../errors/keyward-error.js";
import type { Storage, StorageTx } from "../store/ports.js";
import { RecordTable } from "../store/records.js";
import { isScope, SCOPES, type Scope, type TokenPrincipal } from "./token-scopes.js";
import { effectiveTtl, type MaxTtlPolicy } from "./token-ttl.js";

export {
  hasScope,
  isScope,
  SCOPES,
  type Scope,
  type TokenPrincipal,
} from "./token-scopes.js";

/** The persisted (non-secret) view of a token: its hash never leaves this module. */
export interface TokenInfo {
  readonly id: string;
  readonly scopes: readonly Scope[];
  readonly partition: string | null;
  readonly label: string | null;
  readonly createdAt: string;
  readonly revokedAt: string | null;
  /** When the token stops working (RFC 3339), or null for a token without a TTL. */
  readonly expiresAt: string | null;
}

/** Port for recording admin actions (wired to the audit domain by the composition root). */
export interface TokenAuditSink {
  append(
    tx: StorageTx,
    event: { kind: string; subject: string; actor?: string; data?: Record<string, string | null> },
  ): Promise<unknown>;
}

interface TokenRecord extends Omit<TokenInfo, "expiresAt"> {
  readonly hash: string;
  /** Absent in records written before tokens could expire. */
  readonly expiresAt?: string | null;
  readonly ttlSeconds?: number | null;
}

/** State table owned by the token service. */
export const TOKEN_TABLE = "service.token";
const TOKEN_RE = /^kw_([0-9a-f]{16})_([A-Za-z0-9_-]{43})$/;

/** A cached lookup: the live token's hash and principal, or neither for unknown/revoked ids. */
interface CacheEntry {
  readonly at: number;
  readonly hash: Uint8Array | undefined;
  readonly principal: TokenPrincipal | undefined;
  /** Epoch ms after which the token no longer authenticates (undefined: no TTL). */
  readonly expiresAtMs: number | undefined;
}

/** Splits a presented token into its id and secret bytes; undefined when malformed (never throws). */
function parseToken(token: unknown): { id: string; secret: Uint8Array } | undefined {
  if (typeof token !== "string") return undefined;
  const m = TOKEN_RE.exec(token);
  if (!m) return undefined;
  // The regex already fixed the alphabet and length (43 chars = 32 bytes): decode without a re-encode check.
  return { id: m[1]!, secret: new Uint8Array(Buffer.from(m[2]!, "base64url")) };
}

function publicInfo(r: TokenRecord): TokenInfo {
  return {
    id: r.id,
    scopes: r.scopes,
    partition: r.partition,
    label: r.label,
    createdAt: r.createdAt,
    revokedAt: r.revokedAt,
    expiresAt: r.expiresAt ?? null,
  };
}

/**
 * Issues, lists, revokes and checks API tokens. A token is `kw_<id>_<43 base64url chars>` (32 random bytes);
 * only SHA-256 of the random part is stored and it is compared in constant time. Lookups are cached for
 * `cacheMs` (default 1000 ms), so a revocation made by another instance takes effect within that time.
 *
 * @example
 * const tokens = new TokenService(storage);
 * const { token } = await tokens.create({ scopes: ["delegations:read"] });
 * const principal = await tokens.authenticate(token); // { id, scopes, partition }
 */
export class TokenService {
  readonly #table = new RecordTable<TokenRecord>(TOKEN_TABLE);
  readonly #cache = new Map<string, CacheEntry>();
  /** Tokens that verified against a cache entry, keyed by the token (a wrong secret misses the hash lookup). */
  readonly #verified = new Map<string, { readonly id: string; readonly entry: CacheEntry }>();
  readonly #cacheMs: number;

  constructor(
    private readonly storage: Storage,
    private readonly options: {
      audit?: TokenAuditSink;
      cacheMs?: number;
      now?: () => Date;
      /** The operator's maximum TTL per scope (KEYWARD_TOKEN_MAX_TTL). */
      maxTtl?: MaxTtlPolicy;
    } = {},
  ) {
    this.#cacheMs = options.cacheMs ?? 1000;
  }

  /**
   * Creates a token. The returned `token` is shown once; only its hash is stored. With `ttlSeconds` (or a
   * maximum TTL for one of its scopes) it stops authenticating at `expiresAt`.
   * @throws {RangeError} for an empty or unknown scope list, a malformed partition, an over-long label, or a
   * TTL above the maximum of its scopes.
   */
  async create(input: {
    scopes: readonly string[];
    partition?: string | null;
    label?: string | null;
    ttlSeconds?: number;
    actor?: string;
  }): Promise<{ token: string; info: TokenInfo }> {
    if (!Array.isArray(input?.scopes)) throw new InputTypeError("scopes must be an array");
    if (input.scopes.length === 0) throw new InputRangeError("scopes must not be empty");
    for (const s of input.scopes) {
      if (!isScope(s)) throw new InputRangeError(`scopes: unknown scope (allowed: ${SCOPES.join(", ")})`);
    }
    const partition = input.partition ?? null;
    if (partition !== null) {
      assertName(partition, "partition");
    }
    const label = input.label ?? null;
    if (label !== null) assertString(label, "label", { maxLength: 200 });
    const ttl = effectiveTtl(input.ttlSeconds, input.scopes, this.options.maxTtl ?? {});
    const now = this.#now();
    const id = bytesToHex(randomBytes(8));
    const secret = randomBytes(32);
    const token = `kw_${id}_${bytesToBase64url(secret)}`;
    const record: TokenRecord = {
      id,
      scopes: [...new Set(input.scopes as Scope[])].sort(),
      partition,
      label,
      createdAt: now.toISOString(),
      revokedAt: null,
      expiresAt: ttl === undefined ? null : new Date(now.getTime() + ttl * 1000).toISOString(),
      ttlSeconds: ttl ?? null,
      hash: bytesToHex(sha256(secret)),
    };
    secret.fill(0);
    await this.storage.transaction(async (tx) => {
      if (!(await this.#table.insert(tx.state, id, record)))
        throw new KeywardError("conflict", "token id collision, retry");
      await this.options.audit?.append(tx, {
        kind: "token.create",
        subject: id,
        ...(input.actor ? { actor: input.actor } : {}),
        data: { scopes: record.scopes.join(","), partition, expiresAt: record.expiresAt ?? null },
      });
    });
    return { token, info: publicInfo(record) };
  }

  /** Every token (revoked ones included), oldest first. */
  async list(): Promise<TokenInfo[]> {
    const out: TokenInfo[] = [];
    for await (const { value } of this.#table.scan(this.storage.state)) out.push(publicInfo(value));
    return out.sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.id.localeCompare(b.id));
  }

  /**
   * Revokes a token (final). Revoking an already revoked token is a no-op returning the same info.
   * @throws KeywardError `not_found`; {RangeError} for a malformed id.
   */
  async revoke(id: string, actor?: string): Promise<TokenInfo> {
    assertString(id, "id");
    if (!/^[0-9a-f]{16}$/.test(id)) throw new InputRangeError("id must be 16 hex characters");
    const info = await this.storage.transaction(async (tx) => {
      const record = await this.#table.get(tx.state, id);
      if (!record) throw new KeywardError("not_found", "token does not exist");
      if (record.revokedAt !== null) return publicInfo(record);
      const revoked: TokenRecord = { ...record, revokedAt: this.#now().toISOString() };
      await this.#table.put(tx.state, id, revoked);
      await this.options.audit?.append(tx, {
        kind: "token.revoke",
        subject: id,
        ...(actor ? { actor } : {}),
      });
      return publicInfo(revoked);
    });
    this.#cache.delete(id);
    for (const [token, v] of this.#verified) if (v.id === id) this.#verified.delete(token);
    return info;
  }

  /**
   * Renews a live token: it expires `ttlSeconds` (default: its own TTL) from now, within the maximum of its
   * scopes. An expired or revoked token cannot be renewed (create a new one).
   * @throws KeywardError `not_found`, `revoked`, `expired`; {RangeError} for a malformed id or TTL.
   */
  async renew(id: string, options: { ttlSeconds?: number } = {}, actor?: string): Promise<TokenInfo> {
    assertString(id, "id");
    if (!/^[0-9a-f]{16}$/.test(id)) throw new InputRangeError("id must be 16 hex characters");
    const info = await this.storage.transaction(async (tx) => {
      const record = await this.#table.get(tx.state, id);
      if (!record) throw new KeywardError("not_found", "token does not exist");
      if (record.revokedAt !== null) throw new KeywardError("revoked", "token is revoked");
      const now = this.#now();
      if (isExpired(record, now.getTime())) throw new KeywardError("expired", "token has expired");
      const ttl = effectiveTtl(
        options.ttlSeconds ?? record.ttlSeconds ?? undefined,
        record.scopes,
        this.options.maxTtl ?? {},
      );
      if (ttl === undefined) throw new InputRangeError("ttl is required: the token has none to renew");
      const renewed: TokenRecord = {
        ...record,
        expiresAt: new Date(now.getTime() + ttl * 1000).toISOString(),
        ttlSeconds: ttl,
      };
      await this.#table.put(tx.state, id, renewed);
      await this.options.audit?.append(tx, {
        kind: "token.renew",
        subject: id,
        ...(actor ? { actor } : {}),
        data: { expiresAt: renewed.expiresAt ?? null },
      });
      return publicInfo(renewed);
    });
    this.#cache.delete(id);
    return info;
  }

  /**
   * Audits that `client` (an address) exceeded its failed-authentication budget: `auth.throttled`, once per
   * address and window (the HTTP surface calls it), never once per attempt.
   */
  async recordAuthThrottle(client: string, failures: number): Promise<void> {
    assertString(client, "client", { maxLength: 100 });
    await this.storage.transaction(async (tx) => {
      await this.options.audit?.append(tx, {
        kind: "auth.throttled",
        subject: client,
        data: { failures: String(failures) },
      });
    });
  }

  /**
   * Checks a presented token: the principal when it exists, matches (constant time) and is not revoked;
   * otherwise undefined. Never throws for a malformed token.
   */
  async authenticate(token: unknown): Promise<TokenPrincipal | undefined> {
    const parsed = parseToken(token);
    if (!parsed) return undefined;
    return this.#verify(await this.#lookup(parsed.id), parsed.secret);
  }

  /**
   * The same check from the lookup cache only, synchronously (the HTTP hot path): `{ principal }` when the
   * answer is known, undefined when the token's record must be loaded first (call `authenticate`).
   */
  peek(token: unknown): { principal: TokenPrincipal | undefined } | undefined {
    // A token verified against the current cache entry of its id is answered without parsing or hashing
    // again (the HTTP check path, issue 12); a revocation or a refresh replaces the entry, ending the match.
    const known = typeof token === "string" ? this.#verified.get(token) : undefined;
    if (known && this.#cache.get(known.id) === known.entry && Date.now() - known.entry.at < this.#cacheMs) {
      const live = (known.entry.expiresAtMs ?? Infinity) > this.#now().getTime(); // a TTL is checked here too
      return { principal: live ? known.entry.principal : undefined };
    }
    const parsed = parseToken(token);
    if (!parsed) return { principal: undefined };
    const hit = this.#cache.get(parsed.id);
    if (!hit || Date.now() - hit.at >= this.#cacheMs) return undefined;
    const principal = this.#verify(hit, parsed.secret);
    if (principal) {
      if (this.#verified.size > 10_000) this.#verified.clear();
      this.#verified.set(token as string, { id: parsed.id, entry: hit });
    }
    return { principal };
  }

  #verify(entry: CacheEntry, secret: Uint8Array): TokenPrincipal | undefined {
    const presented = sha256(secret);
    secret.fill(0);
    if (!entry.principal || !entry.hash) return undefined;
    // Checked on every request, cached or not: a cached entry never outlives the token.
    if (entry.expiresAtMs !== undefined && this.#now().getTime() >= entry.expiresAtMs) return undefined;
    return equalBytes(presented, entry.hash) ? entry.principal : undefined;
  }

  async #lookup(id: string): Promise<CacheEntry> {
    const now = Date.now();
    const hit = this.#cache.get(id);
    if (hit && now - hit.at < this.#cacheMs) return hit;
    const record = await this.#table.get(this.storage.state, id);
    const live = record && record.revokedAt === null ? record : undefined;
    const entry: CacheEntry = {
      at: now,
      hash: live ? hexToBytes(live.hash, "hash", 32) : undefined,
      principal: live ? { id, scopes: new Set(live.scopes), partition: live.partition } : undefined,
      expiresAtMs: live?.expiresAt ? Date.parse(live.expiresAt) : undefined,
    };
    // Unknown ids are cached too (briefly), so garbage tokens cannot force a database read each.
    if (this.#cache.size > 10_000) this.#cache.clear();
    this.#cache.set(id, entry);
    return entry;
  }

  #now(): Date {
    return this.options.now?.() ?? new Date();
  }
}

function isExpired(record: TokenRecord, nowMs: number): boolean {
  return record.expiresAt != null && nowMs >= Date.parse(record.expiresAt);
}
