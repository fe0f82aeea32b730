// Delegation events (grant, revoke): validation into one normal form, canonical bytes and the event hash.
import type { CanonicalValue } from "../crypto/canonical.js";
import { canonicalEncode } from "../crypto/canonical.js";
import { blake3Hash } from "../crypto/hash.js";
import { InputRangeError, InputTypeError } from "../errors/input-errors.js";
import { assertPosition, type DelegationId, hasControlChar, MAX_ID_LENGTH, normalizeId } from "./ids.js";

/** Opens (or renews) validity for each listed scope from `at`; closes by itself at `expiresAt` if given. */
export interface GrantEvent {
  readonly op: "grant";
  readonly delegator: DelegationId;
  readonly provider: DelegationId;
  readonly scopes: readonly DelegationId[];
  readonly at: number;
  readonly expiresAt?: number;
  readonly id?: string;
}

/** Closes validity at `at` for the listed scopes, or for every scope of the delegation when `scopes` is absent. */
export interface RevokeEvent {
  readonly op: "revoke";
  readonly delegator: DelegationId;
  readonly provider: DelegationId;
  readonly scopes?: readonly DelegationId[];
  readonly at: number;
  readonly id?: string;
}

/** A validated, normalised event. */
export type DelegationEvent = GrantEvent | RevokeEvent;

/** Most scopes one event may list. */
export const MAX_SCOPES_PER_EVENT = 1024;

const GRANT_FIELDS = new Set(["op", "delegator", "provider", "scopes", "at", "expiresAt", "id"]);
const REVOKE_FIELDS = new Set(["op", "delegator", "provider", "scopes", "at", "id"]);

function parseScopes(value: unknown, name: string): DelegationId[] {
  if (!Array.isArray(value)) throw new InputTypeError(`${name} must be an array of ids`);
  if (value.length === 0) throw new InputRangeError(`${name} must not be empty`);
  if (value.length > MAX_SCOPES_PER_EVENT)
    throw new InputRangeError(`${name} must list at most ${MAX_SCOPES_PER_EVENT} scopes`);
  const seen = new Set<DelegationId>();
  const out: DelegationId[] = [];
  for (const [i, raw] of value.entries()) {
    const s = normalizeId(raw, `${name}[${i}]`);
    // One spelling per event: a duplicate would make the canonical bytes (and the id check) ambiguous.
    if (seen.has(s)) throw new InputRangeError(`${name}[${i}] repeats a scope`);
    seen.add(s);
    out.push(s);
  }
  return out;
}

/**
 * Validates an event id: 1–256 characters, no control characters.
 * @throws {TypeError|RangeError} naming `name`.
 */
export function parseEventId(value: unknown, name: string): string {
  if (typeof value !== "string") throw new InputTypeError(`${name} must be a string`);
  if (value.length === 0 || value.length > MAX_ID_LENGTH)
    throw new InputRangeError(`${name} must be 1 to ${MAX_ID_LENGTH} characters`);
  if (hasControlChar(value) || !value.isWellFormed())
    throw new InputRangeError(`${name} must not contain control characters or lone surrogates`);
  return value;
}

/**
 * Validates a plain object (e.g. one NDJSON line) into a normalised event. Unknown fields are refused so a
 * typo such as `expires_at` cannot silently drop an expiry.
 * @throws {TypeError|RangeError} naming the offending field.
 * @example parseEvent({ op: "grant", delegator: 1234, provider: "A", scopes: [1], at: 100 });
 */
export function parseEvent(value: unknown): DelegationEvent {
  if (value === null || typeof value !== "object" || Array.isArray(value))
    throw new InputTypeError("event must be a JSON object");
  const o = value as Record<string, unknown>;
  if (o.op !== "grant" && o.op !== "revoke") throw new InputRangeError('op must be "grant" or "revoke"');
  const allowed = o.op === "grant" ? GRANT_FIELDS : REVOKE_FIELDS;
  for (const k of Object.keys(o))
    if (!allowed.has(k)) throw new InputRangeError(`a ${o.op} event has an unknown field`);
  const delegator = normalizeId(o.delegator, "delegator");
  const provider = normalizeId(o.provider, "provider");
  assertPosition(o.at, "at");
  const at = o.at;
  const id = o.id === undefined ? undefined : parseEventId(o.id, "id");
  if (o.op === "grant") {
    if (o.scopes === undefined) throw new InputRangeError("scopes is required for grant");
    const scopes = parseScopes(o.scopes, "scopes");
    let expiresAt: number | undefined;
    if (o.expiresAt !== undefined) {
      assertPosition(o.expiresAt, "expiresAt");
      if (o.expiresAt <= at) throw new InputRangeError("expiresAt must be greater than at");
      expiresAt = o.expiresAt;
    }
    return {
      op: "grant",
      delegator,
      provider,
      scopes,
      at,
      ...(expiresAt === undefined ? {} : { expiresAt }),
      ...(id === undefined ? {} : { id }),
    };
  }
  const scopes = o.scopes === undefined ? undefined : parseScopes(o.scopes, "scopes");
  return {
    op: "revoke",
    delegator,
    provider,
    ...(scopes === undefined ? {} : { scopes }),
    at,
    ...(id === undefined ? {} : { id }),
  };
}

/** The event as a canonical value (absent optional fields are omitted, never null). */
function eventValue(e: DelegationEvent): CanonicalValue {
  const v: Record<string, CanonicalValue> = {
    op: e.op,
    delegator: e.delegator,
    provider: e.provider,
    at: e.at,
  };
  if (e.scopes !== undefined) v.scopes = [...e.scopes];
  if (e.op === "grant" && e.expiresAt !== undefined) v.expiresAt = e.expiresAt;
  if (e.id !== undefined) v.id = e.id;
  return v;
}

/**
 * BLAKE3 of the event's canonical bytes (tag "keyward v1 delegation-event"): what an id is bound to, so
 * replaying an id with the same event is a no-op and reusing it for a different event is refused.
 */
export function eventHash(e: DelegationEvent): Uint8Array {
  return blake3Hash(canonicalEncode("keyward v1 delegation-event", eventValue(e)));
}
