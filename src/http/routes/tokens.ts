// /v1/tokens: create, list and revoke API tokens (scope `admin`; every change is audited).
import type { FastifyInstance } from "fastify";
import type { Keyward } from "../../service/keyward.js";
import { MAX_TTL_SECONDS } from "../../service/token-ttl.js";
import { SCOPES } from "../../service/tokens.js";
import { principalOf } from "../auth.js";
import { partitionName } from "../schemas.js";

const tokenInfo = {
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

const ttlSeconds = {
  type: "integer",
  minimum: 1,
  maximum: MAX_TTL_SECONDS,
  description: "lifetime in seconds (bounded by the operator's maximum for the token's scopes)",
} as const;

const idParams = {
  type: "object",
  required: ["id"],
  properties: { id: { type: "string", pattern: "^[0-9a-f]{16}$" } },
} as const;

/** Registers the token management routes. */
export function tokenRoutes(app: FastifyInstance, kw: Keyward): void {
  app.post<{ Body: { scopes: string[]; partition?: string; label?: string; ttlSeconds?: number } }>(
    "/v1/tokens",
    {
      config: { scope: "admin" },
      schema: {
        summary: "Create an API token (shown once)",
        tags: ["tokens"],
        operationId: "createToken",
        body: {
          type: "object",
          required: ["scopes"],
          additionalProperties: false,
          properties: {
            scopes: {
              type: "array",
              minItems: 1,
              maxItems: SCOPES.length,
              items: { type: "string", enum: [...SCOPES] },
            },
            partition: partitionName,
            label: { type: "string", maxLength: 200 },
            ttlSeconds,
          },
        },
        response: {
          201: {
            type: "object",
            required: ["token", "info"],
            properties: { token: { type: "string", description: "shown once" }, info: tokenInfo },
          },
        },
      },
    },
    async (req, reply) => {
      const created = await kw.tokens.create({
        scopes: req.body.scopes,
        partition: req.body.partition ?? null,
        label: req.body.label ?? null,
        ...(req.body.ttlSeconds !== undefined ? { ttlSeconds: req.body.ttlSeconds } : {}),
        actor: `token:${principalOf(req).id}`,
      });
      return reply.code(201).send(created);
    },
  );

  app.get(
    "/v1/tokens",
    {
      config: { scope: "admin" },
      schema: {
        summary: "List API tokens (never their values)",
        tags: ["tokens"],
        operationId: "listTokens",
        response: {
          200: {
            type: "object",
            required: ["tokens"],
            properties: { tokens: { type: "array", items: tokenInfo } },
          },
        },
      },
    },
    async () => ({ tokens: await kw.tokens.list() }),
  );

  app.delete<{ Params: { id: string } }>(
    "/v1/tokens/:id",
    {
      config: { scope: "admin" },
      schema: {
        summary: "Revoke an API token (final)",
        tags: ["tokens"],
        operationId: "revokeToken",
        params: idParams,
        response: { 200: tokenInfo },
      },
    },
    async (req) => kw.tokens.revoke(req.params.id, `token:${principalOf(req).id}`),
  );

  app.post<{ Params: { id: string }; Body: { ttlSeconds?: number } | undefined }>(
    "/v1/tokens/:id/renew",
    {
      config: { scope: "admin" },
      schema: {
        summary: "Renew a live token: it expires ttlSeconds (default: its own TTL) from now",
        tags: ["tokens"],
        operationId: "renewToken",
        params: idParams,
        body: { type: "object", additionalProperties: false, properties: { ttlSeconds } },
        response: { 200: tokenInfo },
      },
    },
    async (req) =>
      kw.tokens.renew(
        req.params.id,
        req.body?.ttlSeconds !== undefined ? { ttlSeconds: req.body.ttlSeconds } : {},
        `token:${principalOf(req).id}`,
      ),
  );
}
