// What the seal routes share: the status schema and the per-address budget of unseal submissions.

/** Unseal submissions per client address per minute (each share counts, right or wrong). */
export const UNSEAL_ATTEMPTS_PER_MINUTE = 30;

/** The answer of both seal routes: sealed or not, and the key-share progress. */
export const sealStatusSchema = {
  type: "object",
  required: ["sealed", "threshold", "shares", "received"],
  properties: {
    sealed: { type: "boolean", description: "true until `threshold` shares unsealed the store" },
    threshold: { type: "integer", description: "K: shares needed (0: the store is not unsealed by shares)" },
    shares: { type: "integer", description: "N: shares made (0: the store is not unsealed by shares)" },
    received: { type: "integer", description: "distinct shares received towards this attempt" },
  },
} as const;
