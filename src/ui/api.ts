// The /v1 client of the dashboard: the pasted bearer token in sessionStorage (never a URL), one error shape.

const TOKEN_KEY = "keyward.token";
// The server's form (src/service/tokens.ts): 16 hex of id, then 43 base64url characters of secret.
const TOKEN_RE = /^kw_([0-9a-f]{16})_[A-Za-z0-9_-]{43}$/;

/** Window event fired when the server refuses the stored token (expired, revoked): the shell signs out. */
export const SIGNED_OUT = "keyward:signed-out";

/** An answer of the API other than 2xx, with the server's stable code and message. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = "ApiError";
  }
}

/** The stored token, or null when signed out. */
export function storedToken(): string | null {
  return sessionStorage.getItem(TOKEN_KEY);
}

/** Forgets the token (sign-out). */
export function forgetToken(): void {
  sessionStorage.removeItem(TOKEN_KEY);
}

/** The id part of a `kw_<id>_<secret>` token (safe to show: the secret is not in it). */
export function tokenId(token: string): string {
  return TOKEN_RE.exec(token)?.[1] ?? "?";
}

/** Query parameters; undefined and empty values are left out. */
export type Query = Record<string, string | number | undefined>;

/** Builds `/v1/…?…` with every path segment and value percent-encoded. */
export function apiPath(segments: readonly (string | number)[], query: Query = {}): string {
  const path = `/v1/${segments.map((p) => encodeURIComponent(String(p))).join("/")}`;
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) if (v !== undefined && v !== "") params.set(k, String(v));
  const qs = params.toString();
  return qs ? `${path}?${qs}` : path;
}

/**
 * GET of a /v1 route with the stored token.
 * @throws ApiError for any non-2xx answer (401 also signs out), or code "network" when the server is gone.
 */
export function get<T>(segments: readonly (string | number)[], query: Query = {}): Promise<T> {
  return request<T>(segments, query, true);
}

async function request<T>(
  segments: readonly (string | number)[],
  query: Query,
  signOutOn401: boolean,
): Promise<T> {
  const token = storedToken();
  if (!token) throw new ApiError(401, "unauthorized", "not signed in");
  let res: Response;
  try {
    res = await fetch(apiPath(segments, query), {
      headers: { authorization: `Bearer ${token}`, accept: "application/json" },
      cache: "no-store",
      credentials: "omit",
    });
  } catch {
    throw new ApiError(0, "network", "the server did not answer");
  }
  const body = (await res.json().catch(() => undefined)) as
    | { error?: { code?: string; message?: string } }
    | undefined;
  if (res.ok) return body as T;
  if (res.status === 401 && signOutOn401) {
    forgetToken();
    window.dispatchEvent(new Event(SIGNED_OUT));
  }
  const error = body?.error;
  throw new ApiError(res.status, error?.code ?? "http", error?.message ?? `HTTP ${res.status}`);
}

/**
 * Checks a pasted token and keeps it for this tab: 401 means unknown or revoked; 403 (a valid token without
 * the probe's scope, or bound to a partition) still signs in, since every page asks for its own scope.
 * @throws ApiError with the reason when the token is refused or malformed.
 */
export async function signIn(token: string): Promise<void> {
  const t = token.trim();
  if (!TOKEN_RE.test(t))
    throw new ApiError(
      400,
      "invalid_input",
      "an API token looks like kw_ then 16 hex, _ and 43 base64url characters",
    );
  sessionStorage.setItem(TOKEN_KEY, t);
  try {
    await request(["apps"], {}, false);
  } catch (err) {
    if (err instanceof ApiError && err.status === 403) return;
    forgetToken();
    throw err;
  }
}
