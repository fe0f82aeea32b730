// JSON schemas shared by the /v1/tokens routes: the token record, its TTL and its id.
import { MAX_TTL_SECONDS } from "../../../service/token-ttl.js";

/** A token's persisted view (never its value). */
export const tokenInfo = {
  type: "object",
  required: ["id", "scopes", "partition", "label", "createdAt", "revokedAt", "expiresAt"],
  properties: {
    id: { type: "string" },
    scopes: { type: "array", items: { type: "string" } },
    partition: { type: ["string", "null"] },
    label: { type: ["string", "null"] },
    createdAt: { type: "string" },
    revokedAt: { type: ["string", "null"] },
    expiresAt: { type: ["string", "null"], description: "RFC 3339; null = no TTL" },
  },
} as const;

/** A token lifetime in seconds. */
export const ttlSeconds = {
  type: "integer",
  minimum: 1,
  maximum: MAX_TTL_SECONDS,
  description: "lifetime in seconds (bounded by the operator's maximum for the token's scopes)",
} as const;

/** `:id` of a token (16 hex). */
export const tokenIdParams = {
  type: "object",
  required: ["id"],
  properties: { id: { type: "string", pattern: "^[0-9a-f]{16}$" } },
} as const;
