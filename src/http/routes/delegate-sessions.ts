// /v1/delegates/:key/secrets and sessions: a delegate's sealed secrets and its persisted signing sessions.

import type { FastifyInstance } from "fastify";
import { KeywardError } from "../../errors/keyward-error.js";
import type { Delegates } from "../../service/delegates.js";
import { bytesToHex, hexToBytes, Secret } from "../../service/primitives.js";
import { type ByteEncoding, decodeBytes, encodeBytes } from "../encoding.js";
import {
  encodingEnum,
  hex32,
  hexString,
  secretRevealSchema,
  secretStoredSchema,
  secretValueBody,
  timestamp,
  timestampMs,
} from "../schemas.js";
import { looseObject } from "./delegates.js";

const keyParams = {
  type: "object",
  required: ["key"],
  properties: { key: { ...hex32, description: "delegate key (64 hex)" } },
} as const;
const secretParams = {
  type: "object",
  required: ["key", "name"],
  properties: {
    key: hex32,
    name: { type: "string", minLength: 1, maxLength: 256, pattern: "^[^\\u0000]+$" },
  },
} as const;
const sessionParams = {
  type: "object",
  required: ["id"],
  properties: { id: { type: "string", minLength: 1, maxLength: 64 } },
} as const;
const action = {
  type: "object",
  required: ["fireAt", "message"],
  additionalProperties: false,
  properties: { fireAt: timestamp, message: { ...hexString, maxLength: 131_072 } },
} as const;
const sessionInfo = looseObject("session: id, delegate, publicKey, policy, uses, pending and fired actions");

/** Registers delegate secret and session routes. */
export function delegateSessionRoutes(app: FastifyInstance, delegates: Delegates): void {
  app.get<{ Params: { key: string } }>(
    "/v1/delegates/:key/secrets",
    {
      config: { scope: "delegates:read" },
      schema: {
        summary: "List a delegate's secret names",
        tags: ["delegates"],
        operationId: "listDelegateSecrets",
        params: keyParams,
        response: {
          200: {
            type: "object",
            required: ["names"],
            properties: { names: { type: "array", items: { type: "string" } } },
          },
        },
      },
    },
    async (req) => ({ names: await delegates.secrets.list(req.params.key) }),
  );

  app.put<{ Params: { key: string; name: string }; Body: { value: string; encoding?: ByteEncoding } }>(
    "/v1/delegates/:key/secrets/:name",
    {
      config: { scope: "delegates:secrets" },
      schema: {
        summary: "Store a secret in a delegate's namespace",
        tags: ["delegates"],
        operationId: "putDelegateSecret",
        params: secretParams,
        body: secretValueBody,
        response: { 200: secretStoredSchema },
      },
    },
    async (req) => {
      const secret = Secret.adopt(
        decodeBytes(req.body.value, req.body.encoding ?? "base64url", "body.value"),
      );
      try {
        await delegates.secrets.put(req.params.key, req.params.name, secret);
        return { name: req.params.name, bytes: secret.length };
      } finally {
        secret.wipe();
      }
    },
  );

  app.get<{ Params: { key: string; name: string }; Querystring: { encoding?: ByteEncoding } }>(
    "/v1/delegates/:key/secrets/:name",
    {
      config: { scope: "delegates:secrets" },
      schema: {
        summary: "Reveal a delegate secret",
        tags: ["delegates"],
        operationId: "getDelegateSecret",
        params: secretParams,
        querystring: { type: "object", properties: { encoding: encodingEnum } },
        response: { 200: secretRevealSchema },
      },
    },
    async (req) => {
      const secret = await delegates.secrets.get(req.params.key, req.params.name);
      if (!secret) throw new KeywardError("not_found", "the delegate has no secret with that name");
      const encoding = req.query.encoding ?? "base64url";
      try {
        return { name: req.params.name, value: secret.use((b) => encodeBytes(b, encoding)), encoding };
      } finally {
        secret.wipe();
      }
    },
  );

  app.delete<{ Params: { key: string; name: string } }>(
    "/v1/delegates/:key/secrets/:name",
    {
      config: { scope: "delegates:secrets" },
      schema: {
        summary: "Delete a delegate secret",
        tags: ["delegates"],
        operationId: "deleteDelegateSecret",
        params: secretParams,
        response: {
          200: { type: "object", required: ["deleted"], properties: { deleted: { type: "boolean" } } },
        },
      },
    },
    async (req) => {
      if (!(await delegates.secrets.delete(req.params.key, req.params.name)))
        throw new KeywardError("not_found", "the delegate has no secret with that name");
      return { deleted: true };
    },
  );

  app.post<{
    Params: { key: string };
    Body: {
      policy: { messagePrefix: string; maxUses: number; expiresAt: string | number };
      actions?: { fireAt: string | number; message: string }[];
    };
  }>(
    "/v1/delegates/:key/sessions",
    {
      config: { scope: "delegates:write" },
      schema: {
        summary: "Create a signing session (key sealed; policy: message prefix, max uses, expiry)",
        tags: ["delegates"],
        operationId: "createSession",
        params: keyParams,
        body: {
          type: "object",
          required: ["policy"],
          additionalProperties: false,
          properties: {
            policy: {
              type: "object",
              required: ["messagePrefix", "maxUses", "expiresAt"],
              additionalProperties: false,
              properties: {
                messagePrefix: { ...hexString, maxLength: 2048 },
                maxUses: { type: "integer", minimum: 1, maximum: 1_000_000_000 },
                expiresAt: timestamp,
              },
            },
            actions: { type: "array", maxItems: 1000, items: action },
          },
        },
        response: { 201: sessionInfo },
      },
    },
    async (req, reply) => {
      const p = req.body.policy;
      const info = await delegates.sessions.create(
        req.params.key,
        {
          messagePrefix: hexToBytes(p.messagePrefix, "body.policy.messagePrefix"),
          maxUses: p.maxUses,
          expiresAt: timestampMs(p.expiresAt),
        },
        (req.body.actions ?? []).map((a, i) => ({
          fireAt: timestampMs(a.fireAt),
          message: hexToBytes(a.message, `body.actions[${i}].message`),
        })),
      );
      return reply.code(201).send(info);
    },
  );

  app.get<{ Params: { key: string } }>(
    "/v1/delegates/:key/sessions",
    {
      config: { scope: "delegates:read" },
      schema: {
        summary: "List a delegate's sessions",
        tags: ["delegates"],
        operationId: "listSessions",
        params: keyParams,
        response: {
          200: {
            type: "object",
            required: ["sessions"],
            properties: { sessions: { type: "array", items: sessionInfo } },
          },
        },
      },
    },
    async (req) => ({ sessions: await delegates.sessions.list(req.params.key) }),
  );

  app.get<{ Params: { id: string } }>(
    "/v1/sessions/:id",
    {
      config: { scope: "delegates:read" },
      schema: {
        summary: "Show a session",
        tags: ["delegates"],
        operationId: "getSession",
        params: sessionParams,
        response: { 200: sessionInfo },
      },
    },
    async (req) => delegates.sessions.show(req.params.id),
  );

  app.post<{ Params: { id: string }; Body: { message: string } }>(
    "/v1/sessions/:id/sign",
    {
      config: { scope: "delegates:write" },
      schema: {
        summary: "Sign a message now under the session's policy (one use)",
        tags: ["delegates"],
        operationId: "sessionSign",
        params: sessionParams,
        body: {
          type: "object",
          required: ["message"],
          additionalProperties: false,
          properties: { message: { ...hexString, maxLength: 131_072 } },
        },
        response: {
          200: { type: "object", required: ["signature"], properties: { signature: { type: "string" } } },
        },
      },
    },
    async (req) => ({
      signature: bytesToHex(
        await delegates.sessions.sign(req.params.id, hexToBytes(req.body.message, "body.message")),
      ),
    }),
  );

  app.post<{ Params: { id: string }; Body: { fireAt: string | number; message: string } }>(
    "/v1/sessions/:id/actions",
    {
      config: { scope: "delegates:write" },
      schema: {
        summary: "Schedule a pending action (fires once, also after restarts)",
        tags: ["delegates"],
        operationId: "scheduleAction",
        params: sessionParams,
        body: action,
        response: { 201: { type: "object", required: ["id"], properties: { id: { type: "string" } } } },
      },
    },
    async (req, reply) =>
      reply.code(201).send({
        id: await delegates.sessions.schedule(req.params.id, {
          fireAt: timestampMs(req.body.fireAt),
          message: hexToBytes(req.body.message, "body.message"),
        }),
      }),
  );
}
