// Token scopes: the names a token can carry, partition names it can be bound to, and the scope check.
/**
 * Every scope a token can carry. `admin` implies every other scope (and token management); each HTTP
 * route requires exactly one scope (docs/http-api.md lists them).
 */
export const SCOPES = [
  "admin",
  "secrets:read",
  "secrets:write",
  "custody:read",
  "custody:sign",
  "custody:admin",
  "audit:read",
  "delegations:read",
  "delegations:write",
  "delegates:read",
  "delegates:write",
  "delegates:secrets",
  "delegates:migrate",
  "rooms:read",
  "rooms:write",
] as const;

/** One token scope. */
export type Scope = (typeof SCOPES)[number];

/** True when `value` names a known scope. */
export function isScope(value: unknown): value is Scope {
  return typeof value === "string" && (SCOPES as readonly string[]).includes(value);
}

/** True when `principal` holds `scope` (directly or through `admin`). */
export function hasScope(principal: TokenPrincipal, scope: Scope): boolean {
  return principal.scopes.has(scope) || principal.scopes.has("admin");
}

/** What a request authenticated with a token may do. */
export interface TokenPrincipal {
  readonly id: string;
  readonly scopes: ReadonlySet<Scope>;
  readonly partition: string | null;
}
