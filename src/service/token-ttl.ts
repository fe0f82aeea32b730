// Token lifetimes: durations as operators write them (90s, 15m, 12h, 30d), and the per-scope maximum TTL policy.
import { InputRangeError, InputTypeError } from "../errors/input-errors.js";

/** The longest TTL keyward accepts at all: ten years (past that, "expiring" means nothing). */
export const MAX_TTL_SECONDS = 10 * 365 * 86_400;

const UNIT_SECONDS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86_400 };
const DURATION_RE = /^(\d{1,10})([smhd]?)$/;

/**
 * Parses a duration: an integer with an optional unit `s`, `m`, `h` or `d` (seconds when bare).
 * @throws {RangeError} naming `field` for anything else, zero, or more than ten years.
 * @example parseDuration("12h", "--ttl") // 43200
 */
export function parseDuration(text: string, field: string): number {
  if (typeof text !== "string") throw new InputTypeError(`${field} must be a string`);
  const m = DURATION_RE.exec(text.trim());
  if (!m) throw new InputRangeError(`${field} must be a duration like 90s, 15m, 12h or 30d`);
  const seconds = Number(m[1]) * UNIT_SECONDS[m[2] || "s"]!;
  assertTtl(seconds, field);
  return seconds;
}

/**
 * Checks a TTL in seconds: an integer from 1 to MAX_TTL_SECONDS.
 * @throws {RangeError} naming `field`.
 */
export function assertTtl(seconds: unknown, field: string): asserts seconds is number {
  if (typeof seconds !== "number" || !Number.isInteger(seconds))
    throw new InputTypeError(`${field} must be an integer number of seconds`);
  if (seconds < 1 || seconds > MAX_TTL_SECONDS)
    throw new InputRangeError(`${field} must be between 1 second and 10 years`);
}

/** The operator's maximum TTL per scope, in seconds (scopes not named have none). */
export type MaxTtlPolicy = Readonly<Record<string, number>>;

/**
 * Parses `KEYWARD_TOKEN_MAX_TTL`: comma-separated `scope=duration` pairs, e.g. `admin=1d,secrets:write=1h`.
 * @throws {RangeError} naming the setting for a malformed pair or an unknown scope.
 */
export function parseMaxTtlPolicy(text: string | undefined, scopes: readonly string[]): MaxTtlPolicy {
  if (text === undefined || text.trim() === "") return {};
  const out: Record<string, number> = {};
  for (const pair of text.split(",")) {
    const [scope, duration, extra] = pair.trim().split("=");
    if (scope === undefined || duration === undefined || extra !== undefined)
      throw new InputRangeError("KEYWARD_TOKEN_MAX_TTL must be scope=duration pairs separated by commas");
    if (!scopes.includes(scope)) throw new InputRangeError("KEYWARD_TOKEN_MAX_TTL names an unknown scope");
    out[scope] = parseDuration(duration, "KEYWARD_TOKEN_MAX_TTL");
  }
  return out;
}

/**
 * The TTL a token with `scopes` gets: the requested one, bounded by the smallest maximum of its scopes (a
 * token is as short-lived as its most powerful scope demands); the maximum itself when none is requested;
 * undefined (never expires) when neither applies.
 * @throws {RangeError} when the requested TTL exceeds the maximum.
 */
export function effectiveTtl(
  requested: number | undefined,
  scopes: readonly string[],
  policy: MaxTtlPolicy,
): number | undefined {
  const limits = scopes.map((s) => policy[s]).filter((n): n is number => n !== undefined);
  const max = limits.length > 0 ? Math.min(...limits) : undefined;
  if (requested !== undefined) assertTtl(requested, "ttl");
  if (requested !== undefined && max !== undefined && requested > max)
    throw new InputRangeError(`ttl exceeds the maximum of ${max} seconds for these scopes`);
  return requested ?? max;
}
