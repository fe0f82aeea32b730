// /v1/secrets: user-level secrets in the sealed SecretStore (put, reveal, list, delete).

import type { FastifyInstance } from "fastify";
import { KeywardError } from "../../errors/keyward-error.js";
import { type Keyward, USER_SECRET_NAMESPACE } from "../../service/keyward.js";
import { Secret } from "../../service/primitives.js";
import { type ByteEncoding, decodeBytes, encodeBytes } from "../encoding.js";
import { encodingEnum, secretRevealSchema, secretStoredSchema, secretValueBody } from "../schemas.js";

const nameParams = {
  type: "object",
  required: ["name"],
  properties: { name: { type: "string", minLength: 1, maxLength: 512, pattern: "^[^\\u0000]+$" } },
} as const;

/** Registers the secrets routes (unpartitioned: partition-bound tokens are refused). */
export function secretRoutes(app: FastifyInstance, kw: Keyward): void {
  const ns = USER_SECRET_NAMESPACE;

  app.get<{ Querystring: { prefix?: string } }>(
    "/v1/secrets",
    {
      config: { scope: "secrets:read" },
      schema: {
        summary: "List secret names",
        tags: ["secrets"],
        operationId: "listSecrets",
        querystring: { type: "object", properties: { prefix: { type: "string", maxLength: 512 } } },
        response: {
          200: {
            type: "object",
            required: ["names"],
            properties: { names: { type: "array", items: { type: "string" } } },
          },
        },
      },
    },
    async (req) => ({ names: await kw.storage.secrets.list(ns, req.query.prefix) }),
  );

  app.put<{ Params: { name: string }; Body: { value: string; encoding?: ByteEncoding } }>(
    "/v1/secrets/:name",
    {
      config: { scope: "secrets:write" },
      schema: {
        summary: "Store a secret (sealed at rest); overwrites",
        tags: ["secrets"],
        operationId: "putSecret",
        params: nameParams,
        body: secretValueBody,
        response: { 200: secretStoredSchema },
      },
    },
    async (req) => {
      const bytes = decodeBytes(req.body.value, req.body.encoding ?? "base64url", "body.value");
      const secret = Secret.adopt(bytes);
      try {
        await kw.storage.secrets.put(ns, req.params.name, secret);
        return { name: req.params.name, bytes: secret.length };
      } finally {
        secret.wipe();
      }
    },
  );

  app.get<{ Params: { name: string }; Querystring: { encoding?: ByteEncoding } }>(
    "/v1/secrets/:name",
    {
      config: { scope: "secrets:read" },
      schema: {
        summary: "Reveal a secret's value",
        tags: ["secrets"],
        operationId: "getSecret",
        params: nameParams,
        querystring: { type: "object", properties: { encoding: encodingEnum } },
        response: { 200: secretRevealSchema },
      },
    },
    async (req) => {
      const secret = await kw.storage.secrets.get(ns, req.params.name);
      if (!secret) throw new KeywardError("not_found", "no secret with that name");
      const encoding = req.query.encoding ?? "base64url";
      try {
        return { name: req.params.name, value: secret.use((b) => encodeBytes(b, encoding)), encoding };
      } finally {
        secret.wipe();
      }
    },
  );

  app.delete<{ Params: { name: string } }>(
    "/v1/secrets/:name",
    {
      config: { scope: "secrets:write" },
      schema: {
        summary: "Delete a secret",
        tags: ["secrets"],
        operationId: "deleteSecret",
        params: nameParams,
        response: {
          200: { type: "object", required: ["deleted"], properties: { deleted: { type: "boolean" } } },
        },
      },
    },
    async (req) => {
      if (!(await kw.storage.secrets.delete(ns, req.params.name)))
        throw new KeywardError("not_found", "no secret with that name");
      return { deleted: true };
    },
  );
}
