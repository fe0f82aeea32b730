// Session policy: what a delegated session may sign (message prefix, number of uses, expiry).
import { assertBytes, assertInteger } from "../../crypto/assert.js";
import { bytesToHex } from "../../crypto/bytes.js";
import { InputRangeError } from "../../errors/input-errors.js";
import { KeywardError } from "../../errors/keyward-error.js";
import type { SessionPolicyRecord } from "../records.js";
import { assertTime } from "../validate.js";

/** A session policy as callers give it. */
export interface SessionPolicy {
  /** Every signed message must start with these bytes (empty = any message). */
  readonly messagePrefix: Uint8Array;
  readonly maxUses: number;
  /** Epoch milliseconds; at and after this time the session signs nothing. */
  readonly expiresAt: number;
}

/** Largest message a session signs (bytes) and longest prefix. */
export const MAX_SESSION_MESSAGE = 64 * 1024;
export const MAX_POLICY_PREFIX = 1024;

/** Why a policy refused a message. */
export type PolicyRefusal = "expired" | "max-uses" | "prefix";

/** Validates and converts a policy to its record form. */
export function policyRecord(policy: SessionPolicy): SessionPolicyRecord {
  assertBytes(policy.messagePrefix, undefined, "policy.messagePrefix");
  if (policy.messagePrefix.length > MAX_POLICY_PREFIX)
    throw new InputRangeError(`policy.messagePrefix must be at most ${MAX_POLICY_PREFIX} bytes`);
  assertInteger(policy.maxUses, 1, 1_000_000_000, "policy.maxUses");
  assertTime(policy.expiresAt, "policy.expiresAt");
  return {
    messagePrefix: bytesToHex(policy.messagePrefix),
    maxUses: policy.maxUses,
    expiresAt: policy.expiresAt,
  };
}

/** The refusal for signing `message` now after `uses` uses, or undefined when allowed. */
export function checkPolicy(
  policy: SessionPolicyRecord,
  uses: number,
  message: Uint8Array,
  now: number,
): PolicyRefusal | undefined {
  if (now >= policy.expiresAt) return "expired";
  if (uses >= policy.maxUses) return "max-uses";
  if (!bytesToHex(message).startsWith(policy.messagePrefix)) return "prefix";
  return undefined;
}

/**
 * Refuses, when it is scheduled, an action the policy could never sign when it fires: a message without the
 * session's prefix, or a firing time at or after the session's expiry.
 * @throws KeywardError `forbidden` naming the action (`name`).
 */
export function refuseUnfireableAction(
  policy: SessionPolicyRecord,
  fireAt: number,
  message: Uint8Array,
  name: string,
): void {
  if (!bytesToHex(message).startsWith(policy.messagePrefix))
    throw new KeywardError(
      "forbidden",
      `${name}.message does not start with the session's message prefix: it could never be signed`,
    );
  if (fireAt >= policy.expiresAt)
    throw new KeywardError(
      "forbidden",
      `${name}.fireAt is at or after the session's expiry (${new Date(policy.expiresAt).toISOString()}): it could never fire`,
    );
}
