// The answers and figures the delegation index hands out (plain JSON-safe shapes).
import type { DelegationId } from "./ids.js";

/** A validity interval `[from, until)`; `until` null = open with no expiry. */
export interface DelegationInterval {
  readonly from: number;
  readonly until: number | null;
}

/** The answer to "was provider P allowed to act for delegator D on scope S at position N?". */
export interface CheckResult {
  readonly authorized: boolean;
  /** The interval that contains the position (null when unauthorized). */
  readonly interval: DelegationInterval | null;
}

/** Every interval of one (delegator, provider, scope) key, oldest first. */
export interface KeyHistory {
  readonly delegator: DelegationId;
  readonly provider: DelegationId;
  readonly scope: DelegationId;
  readonly intervals: DelegationInterval[];
  /** Position of the key's last accepted event: a later event must not be earlier than this. */
  readonly lastEventAt: number;
}

/** Size figures of the index. */
export interface IndexStats {
  readonly keys: number;
  readonly pairs: number;
  readonly intervals: number;
  /** Bytes held by the index's typed arrays (id dictionaries for string ids/providers/scopes excluded). */
  readonly bytes: number;
  readonly lastSeq: number;
}
