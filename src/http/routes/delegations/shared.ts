// Schemas and helpers shared by the /v1/delegations routes: ids, event bodies, check queries, raw uploads, the check serializer.
import { KeywardError } from "../../../errors/keyward-error.js";
import type { CheckResult } from "../../../service/delegation-inputs.js";
import { idQuery, position } from "../../schemas.js";

/** A check answer as JSON: `{"authorized":B,"interval":null|{"from":N,"until":N|null}}` (positions are integers). */
export function serializeCheck(r: CheckResult): string {
  const iv = r.interval;
  if (iv === null)
    return r.authorized ? '{"authorized":true,"interval":null}' : '{"authorized":false,"interval":null}';
  return `{"authorized":${r.authorized},"interval":{"from":${iv.from},"until":${iv.until === null ? "null" : iv.until}}}`;
}

/** An id: a non-negative integer up to 2^53−1 or a string (normalised by the domain: "42" is 42). */
export const id = {
  anyOf: [
    { type: "integer", minimum: 0, maximum: Number.MAX_SAFE_INTEGER },
    { type: "string", minLength: 1, maxLength: 256 },
  ],
} as const;
export const scopes = { type: "array", minItems: 1, maxItems: 1024, items: id } as const;
export const eventId = { type: "string", minLength: 1, maxLength: 256 } as const;
export const grantBody = {
  type: "object",
  required: ["delegator", "provider", "scopes", "at"],
  additionalProperties: false,
  properties: { delegator: id, provider: id, scopes, at: position, expiresAt: position, id: eventId },
} as const;
export const revokeBody = {
  type: "object",
  required: ["delegator", "provider", "at"],
  additionalProperties: false,
  properties: { delegator: id, provider: id, scopes, at: position, id: eventId },
} as const;
export const outcome = {
  type: "object",
  required: ["status", "seq"],
  properties: { status: { type: "string", enum: ["applied", "duplicate"] }, seq: { type: "integer" } },
} as const;
export const checkQuery = {
  type: "object",
  required: ["delegator", "provider", "scope", "at"],
  additionalProperties: false,
  properties: { delegator: idQuery, provider: idQuery, scope: idQuery, at: position },
} as const;
export const interval = {
  type: ["object", "null"],
  properties: {
    from: { type: "integer" },
    until: { type: ["integer", "null"] },
    revokedAt: { type: ["integer", "null"] },
  },
} as const;
export const checkSemanticsQuery = {
  ...checkQuery,
  properties: { ...checkQuery.properties, semantics: { type: "string", enum: ["keyward", "frequency"] } },
} as const;
/** Media types of raw uploads (NDJSON events, CSV/NDJSON validation rows). */
export const RAW_TYPES = ["application/x-ndjson", "text/csv"] as const;

export async function* once(bytes: Uint8Array): AsyncIterable<Uint8Array> {
  yield bytes;
}

/** The raw upload of a route that takes NDJSON or CSV (refused with 415 for anything else). */
export function rawBody(body: unknown): Uint8Array {
  if (!Buffer.isBuffer(body))
    throw new KeywardError("unsupported_media_type", `body must be ${RAW_TYPES.join(" or ")}`);
  return new Uint8Array(body.buffer, body.byteOffset, body.byteLength);
}
