// Shared JSON schemas for the HTTP API: the one error body, names, positions, byte encodings and bounded fields.
import { IDENTITY_MAX, LABEL_MAX } from "../service/custody.js";
import { MAX_TIME_MS } from "../service/delegates.js";
import { NAME_PATTERN } from "../service/primitives.js";

/** The one error body every non-2xx response carries. */
export const errorBodySchema = {
  type: "object",
  required: ["error"],
  additionalProperties: false,
  properties: {
    error: {
      type: "object",
      required: ["code", "message"],
      additionalProperties: false,
      properties: {
        code: { type: "string", description: "stable error code (docs/http-api.md)" },
        message: { type: "string" },
        errorId: {
          type: "string",
          description: "internal errors only: quote it to the operator; the cause is in the server log",
        },
      },
    },
  },
} as const;

/** A partition name (as custody and tokens accept it). */
export const partitionName = {
  type: "string",
  pattern: NAME_PATTERN,
  description: "partition (tenant) name",
} as const;

/** A generic short, non-empty name (secret names, app names, room names). */
export const shortName = { type: "string", minLength: 1, maxLength: 200 } as const;

/** A position (block number or time) as a non-negative safe integer. */
export const position = { type: "integer", minimum: 0, maximum: Number.MAX_SAFE_INTEGER } as const;

/** A delegation id (delegator, provider, scope) in a query string: always text, normalised by the domain. */
export const idQuery = { type: "string", minLength: 1, maxLength: 256 } as const;

/** Lower-case or upper-case hex (even length). */
export const hexString = { type: "string", pattern: "^(?:[0-9a-fA-F]{2})*$", maxLength: 1_048_576 } as const;

/** Exactly 32 bytes as 64 hex characters. */
export const hex32 = { type: "string", pattern: "^[0-9a-fA-F]{64}$" } as const;

/** How byte values are written in JSON bodies. */
export const encodingEnum = { type: "string", enum: ["base64url", "hex", "utf8"] } as const;

/** Body of a secret write: the value in the chosen encoding (at most 1 MiB of text). */
export const secretValueBody = {
  type: "object",
  required: ["value"],
  additionalProperties: false,
  properties: { value: { type: "string", maxLength: 1_048_576 }, encoding: encodingEnum },
} as const;

/** Answer to a secret write: its name and size, never the value. */
export const secretStoredSchema = {
  type: "object",
  required: ["name", "bytes"],
  properties: { name: { type: "string" }, bytes: { type: "integer" } },
} as const;

/** Answer to a secret reveal. */
export const secretRevealSchema = {
  type: "object",
  required: ["name", "value", "encoding"],
  properties: { name: { type: "string" }, value: { type: "string" }, encoding: { type: "string" } },
} as const;

/** A `type:value` identity (code points, like the validator: custody/identity.ts). */
export const identitySchema = {
  type: "string",
  minLength: 3,
  maxLength: IDENTITY_MAX,
  description: `type:value, e.g. email:alice@example.com (at most ${IDENTITY_MAX} characters)`,
} as const;

/** A child label: "" or [a-z0-9][a-z0-9._-]*, at most LABEL_MAX ASCII characters (custody/identity.ts). */
export const labelSchema = { type: "string", maxLength: LABEL_MAX } as const;

/** A point in time: an RFC 3339 string (the documented form, as every response gives it) or epoch milliseconds. */
export const timestamp = {
  anyOf: [
    { type: "string", format: "date-time", maxLength: 64 },
    { type: "integer", minimum: 0, maximum: MAX_TIME_MS },
  ],
  description: "RFC 3339 date-time (e.g. 2026-12-03T10:00:00Z); epoch milliseconds are accepted too",
} as const;

/** Epoch milliseconds of a `timestamp` value (already schema-validated). */
export function timestampMs(value: string | number): number {
  return typeof value === "number" ? value : Date.parse(value);
}

/** A response object documented by a description only (its fields are the domain's; extra fields pass). */
export const looseObject = (description: string) =>
  ({ type: "object", additionalProperties: true, description }) as const;

/** `:key` of a delegate (64 hex). */
export const delegateKeyParams = {
  type: "object",
  required: ["key"],
  properties: { key: { ...hex32, description: "delegate key (64 hex)" } },
} as const;
