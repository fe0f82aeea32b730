// The seed's compact granted_at/revoked_at proposal, evaluated next to the exact answer to show the difference.
import type { CheckResult, DelegationIndex } from "./delegation-index.js";
import type { DelegationId } from "./ids.js";

/** What the compact model (latest granted_at, revoked_at; seed 003) would store and answer. */
export interface CompactComparison {
  readonly exact: CheckResult;
  readonly compact: {
    /** Start of the latest interval (a re-grant overwrites it), null when never granted. */
    readonly grantedAt: number | null;
    /** End of the latest interval (revoke or expiry), null while in force. */
    readonly revokedAt: number | null;
    /** The seed's rules: before granted_at the compact model cannot tell without an archive node. */
    readonly verdict: "authorized" | "unauthorized" | "needs-history";
  };
  /** True when the compact model cannot give the exact answer. */
  readonly differs: boolean;
}

/**
 * Answers a check both exactly (full history) and as the seed's compact `granted_at/revoked_at` view would:
 * no entry → unauthorized; at < granted_at → needs-history; revoked_at absent or at < revoked_at → authorized;
 * otherwise unauthorized.
 * @throws {TypeError|RangeError} for a malformed id or position.
 * @example compareWithCompactView(index, 1234, "A", 1, 250).compact.verdict; // "needs-history" after a re-grant
 */
export function compareWithCompactView(
  index: DelegationIndex,
  delegator: DelegationId,
  provider: DelegationId,
  scope: DelegationId,
  at: number,
): CompactComparison {
  const exact = index.check(delegator, provider, scope, at);
  const history = index.history(delegator, provider, scope)[0];
  const last = history?.intervals[history.intervals.length - 1];
  const grantedAt = last?.from ?? null;
  const revokedAt = last?.until ?? null;
  let verdict: CompactComparison["compact"]["verdict"];
  if (grantedAt === null) verdict = "unauthorized";
  else if (at < grantedAt) verdict = "needs-history";
  else verdict = revokedAt === null || at < revokedAt ? "authorized" : "unauthorized";
  const differs = verdict !== (exact.authorized ? "authorized" : "unauthorized");
  return { exact, compact: { grantedAt, revokedAt, verdict }, differs };
}
