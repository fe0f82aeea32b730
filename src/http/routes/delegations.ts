// /v1/delegations: grant, revoke, event batches and NDJSON import, checks, history, batch validation.
import { Readable } from "node:stream";
import type { FastifyInstance } from "fastify";
import { KeywardError } from "../../errors/keyward-error.js";
import { type CheckResult, parseSemantics } from "../../service/delegation-inputs.js";
import type { DelegationsService } from "../../service/delegations.js";
import { ProviderReadings } from "../../service/dsnp-batches.js";
import { looseObject, position } from "../schemas.js";

/** A check answer as JSON: `{"authorized":B,"interval":null|{"from":N,"until":N|null}}` (positions are integers). */
export function serializeCheck(r: CheckResult): string {
  const iv = r.interval;
  if (iv === null)
    return r.authorized ? '{"authorized":true,"interval":null}' : '{"authorized":false,"interval":null}';
  return `{"authorized":${r.authorized},"interval":{"from":${iv.from},"until":${iv.until === null ? "null" : iv.until}}}`;
}

/** An id: a non-negative integer up to 2^53−1 or a string (normalised by the domain: "42" is 42). */
const id = {
  anyOf: [
    { type: "integer", minimum: 0, maximum: Number.MAX_SAFE_INTEGER },
    { type: "string", minLength: 1, maxLength: 256 },
  ],
} as const;
/** An id in a query string (always text; normalised by the domain). */
export const idQuery = { type: "string", minLength: 1, maxLength: 256 } as const;
const scopes = { type: "array", minItems: 1, maxItems: 1024, items: id } as const;
const eventId = { type: "string", minLength: 1, maxLength: 256 } as const;
const grantBody = {
  type: "object",
  required: ["delegator", "provider", "scopes", "at"],
  additionalProperties: false,
  properties: { delegator: id, provider: id, scopes, at: position, expiresAt: position, id: eventId },
} as const;
const revokeBody = {
  type: "object",
  required: ["delegator", "provider", "at"],
  additionalProperties: false,
  properties: { delegator: id, provider: id, scopes, at: position, id: eventId },
} as const;
const outcome = {
  type: "object",
  required: ["status", "seq"],
  properties: { status: { type: "string", enum: ["applied", "duplicate"] }, seq: { type: "integer" } },
} as const;
const checkQuery = {
  type: "object",
  required: ["delegator", "provider", "scope", "at"],
  additionalProperties: false,
  properties: { delegator: idQuery, provider: idQuery, scope: idQuery, at: position },
} as const;
const interval = {
  type: ["object", "null"],
  properties: {
    from: { type: "integer" },
    until: { type: ["integer", "null"] },
    revokedAt: { type: ["integer", "null"] },
  },
} as const;
const checkSemanticsQuery = {
  ...checkQuery,
  properties: { ...checkQuery.properties, semantics: { type: "string", enum: ["keyward", "frequency"] } },
} as const;
/** Media types of raw uploads (NDJSON events, CSV/NDJSON validation rows). */
export const RAW_TYPES = ["application/x-ndjson", "text/csv"] as const;

async function* once(bytes: Uint8Array): AsyncIterable<Uint8Array> {
  yield bytes;
}

/** Registers the delegation routes (unpartitioned). */
export function delegationRoutes(app: FastifyInstance, service: DelegationsService): void {
  const readings = new ProviderReadings(service);
  app.addContentTypeParser([...RAW_TYPES], { parseAs: "buffer" }, (_req, body, done) => done(null, body));

  app.post<{ Body: Record<string, unknown> }>(
    "/v1/delegations/grant",
    {
      config: { scope: "delegations:write" },
      schema: {
        summary: "Grant scopes from `at` (optionally until `expiresAt`); an applied id is a no-op",
        tags: ["delegations"],
        operationId: "grantDelegation",
        body: grantBody,
        response: { 200: outcome },
      },
    },
    async (req) => (await service.write([{ op: "grant", ...req.body }]))[0],
  );

  app.post<{ Body: Record<string, unknown> }>(
    "/v1/delegations/revoke",
    {
      config: { scope: "delegations:write" },
      schema: {
        summary: "Revoke listed scopes (or the whole delegation without `scopes`) at `at`",
        tags: ["delegations"],
        operationId: "revokeDelegation",
        body: revokeBody,
        response: { 200: outcome },
      },
    },
    async (req) => (await service.write([{ op: "revoke", ...req.body }]))[0],
  );

  app.post<{ Body: { events: unknown[] } }>(
    "/v1/delegations/events",
    {
      config: { scope: "delegations:write" },
      schema: {
        summary: "Apply a batch of events, all or nothing (a refused event names its index)",
        tags: ["delegations"],
        operationId: "writeDelegationEvents",
        body: {
          type: "object",
          required: ["events"],
          additionalProperties: false,
          properties: { events: { type: "array", minItems: 1, maxItems: 10_000, items: { type: "object" } } },
        },
        response: {
          200: {
            type: "object",
            required: ["outcomes"],
            properties: { outcomes: { type: "array", items: outcome } },
          },
        },
      },
    },
    async (req) => ({ outcomes: await service.write(req.body.events) }),
  );

  app.post<{ Body: Buffer }>(
    "/v1/delegations/import",
    {
      config: { scope: "delegations:write" },
      schema: {
        summary: "Import an NDJSON event file (application/x-ndjson): validated whole first, resumable",
        tags: ["delegations"],
        operationId: "importDelegations",
        response: { 200: looseObject("lines, events, applied, duplicates, resumedAfterLine, fileHash") },
      },
    },
    // Through the service like the CLI's import: an index snapshot is written when one is due.
    async (req) => {
      const bytes = rawBody(req.body);
      return service.importEvents({ open: () => once(bytes), onWarning: (m) => req.log.warn(m) });
    },
  );

  app.get<{
    Querystring: { delegator: string; provider: string; scope: string; at: number; semantics?: string };
  }>(
    "/v1/delegations/check",
    {
      config: { scope: "delegations:read" },
      schema: {
        summary: "Was provider P allowed to act for delegator D on scope S at position N?",
        tags: ["delegations"],
        operationId: "checkDelegation",
        querystring: checkSemanticsQuery,
        response: {
          200: {
            type: "object",
            required: ["authorized", "interval"],
            properties: { authorized: { type: "boolean" }, interval, semantics: { type: "string" } },
          },
        },
      },
      // The schema above documents the answer; this writes its two shapes directly (issue 12: the hot path).
      serializerCompiler: ({ httpStatus }) =>
        httpStatus === "200"
          ? (r) =>
              (r as { semantics?: string }).semantics === undefined
                ? serializeCheck(r as CheckResult)
                : JSON.stringify(r)
          : (r) => JSON.stringify(r),
    },
    // Synchronous for providers read with keyward's rule (no promise per request on the hot path; a throw
    // still reaches the error handler). Providers imported from Frequency answer with its inclusive rule
    // unless ?semantics=keyward (docs/frequency-dsnp.md): their reading is looked up once and cached.
    (req, reply) => {
      const q = req.query;
      const semantics = q.semantics === undefined ? undefined : parseSemantics(q.semantics, "semantics");
      const reading = semantics ?? readings.peek(q.provider);
      // Query strings carry every id as text; the check normalises them ("42" is the integer 42).
      if (reading === "keyward") {
        reply.send(service.check(q.delegator, q.provider, q.scope, q.at));
        return;
      }
      (async () => {
        const r = reading ?? (await readings.load(q.provider));
        const f = await service.readingCheck(q.delegator, q.provider, q.scope, q.at, r);
        reply.send(f ?? service.check(q.delegator, q.provider, q.scope, q.at));
      })().catch((err: unknown) => reply.send(err));
    },
  );

  app.get<{ Querystring: { delegator: string; provider: string; scope: string; at: number } }>(
    "/v1/delegations/compare",
    {
      config: { scope: "delegations:read" },
      schema: {
        summary: "The exact answer next to what a compact granted_at/revoked_at view would say (seed 003)",
        tags: ["delegations"],
        operationId: "compareDelegation",
        querystring: checkQuery,
        response: { 200: looseObject("exact, compact {grantedAt, revokedAt, verdict}, differs") },
      },
    },
    async (req) => service.compare(req.query.delegator, req.query.provider, req.query.scope, req.query.at),
  );

  app.get<{ Querystring: { delegator: string; provider: string; scope?: string } }>(
    "/v1/delegations/history",
    {
      config: { scope: "delegations:read" },
      schema: {
        summary: "Every validity interval of (delegator, provider[, scope])",
        tags: ["delegations"],
        operationId: "delegationHistory",
        querystring: {
          type: "object",
          required: ["delegator", "provider"],
          additionalProperties: false,
          properties: { delegator: idQuery, provider: idQuery, scope: idQuery },
        },
        response: {
          200: {
            type: "object",
            required: ["histories"],
            properties: {
              histories: {
                type: "array",
                items: looseObject("delegator, provider, scope, intervals, lastEventAt"),
              },
            },
          },
        },
      },
    },
    async (req) => ({ histories: service.history(req.query.delegator, req.query.provider, req.query.scope) }),
  );

  app.post<{ Body: Buffer; Querystring: { verdicts?: boolean } }>(
    "/v1/delegations/validate",
    {
      config: { scope: "delegations:read" },
      schema: {
        summary:
          "Validate rows (text/csv with header delegator,provider,scope,at, or application/x-ndjson); " +
          "?verdicts=true streams one verdict per row as NDJSON, then the summary",
        tags: ["delegations"],
        operationId: "validateDelegations",
        querystring: {
          type: "object",
          additionalProperties: false,
          properties: { verdicts: { type: "boolean" } },
        },
        response: {
          200: {
            type: "object",
            required: ["rows", "authorized", "unauthorized", "invalid"],
            properties: {
              rows: { type: "integer" },
              authorized: { type: "integer" },
              unauthorized: { type: "integer" },
              invalid: { type: "integer" },
            },
          },
        },
      },
    },
    async (req, reply) => {
      const bytes = rawBody(req.body);
      const format = req.headers["content-type"]?.startsWith("text/csv") ? "csv" : "ndjson";
      if (!req.query.verdicts) return service.validate(once(bytes), { format });
      const chunks: string[] = [];
      const summary = await service.validate(once(bytes), {
        format,
        write: (c) => void chunks.push(c),
      });
      chunks.push(`${JSON.stringify({ summary })}\n`);
      return reply.type("application/x-ndjson").send(Readable.from(chunks));
    },
  );
}

/** The raw upload of a route that takes NDJSON or CSV (refused with 415 for anything else). */
function rawBody(body: unknown): Uint8Array {
  if (!Buffer.isBuffer(body))
    throw new KeywardError("unsupported_media_type", `body must be ${RAW_TYPES.join(" or ")}`);
  return new Uint8Array(body.buffer, body.byteOffset, body.byteLength);
}
