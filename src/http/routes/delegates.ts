// /v1/apps and /v1/delegates: apps and key chains, certified versions, migration tokens, migrations.

import type { FastifyInstance } from "fastify";
import { type Delegates, parseCertificate } from "../../service/delegates.js";
import { base64urlToBytes, hexToBytes } from "../../service/primitives.js";
import { hex32, shortName } from "../schemas.js";

/** An object passed through as the domain returns it (documented in docs/delegates.md). */
export const looseObject = (description: string) =>
  ({ type: "object", additionalProperties: true, description }) as const;

const keyParams = {
  type: "object",
  required: ["key"],
  properties: { key: { ...hex32, description: "delegate key (64 hex)" } },
} as const;
const appParams = { type: "object", required: ["name"], properties: { name: shortName } } as const;
const appInfo = looseObject("app: name, current publicKey and sequence, key chain");
const versionInfo = looseObject("delegate version: key, app, version, codeHash, params, revoked");

/** Registers app, version, token and migration routes. */
export function delegateRoutes(app: FastifyInstance, delegates: Delegates): void {
  app.post<{ Body: { name: string; publicKey: string } }>(
    "/v1/apps",
    {
      config: { scope: "delegates:write" },
      schema: {
        summary: "Register an app by name and Ed25519 public key",
        tags: ["delegates"],
        operationId: "registerApp",
        body: {
          type: "object",
          required: ["name", "publicKey"],
          additionalProperties: false,
          properties: { name: shortName, publicKey: hex32 },
        },
        response: { 201: appInfo },
      },
    },
    async (req, reply) =>
      reply
        .code(201)
        .send(
          await delegates.apps.register(req.body.name, hexToBytes(req.body.publicKey, "body.publicKey", 32)),
        ),
  );

  app.get(
    "/v1/apps",
    {
      config: { scope: "delegates:read" },
      schema: {
        summary: "List apps",
        tags: ["delegates"],
        operationId: "listApps",
        response: {
          200: {
            type: "object",
            required: ["apps"],
            properties: { apps: { type: "array", items: appInfo } },
          },
        },
      },
    },
    async () => ({ apps: await delegates.apps.list() }),
  );

  app.get<{ Params: { name: string } }>(
    "/v1/apps/:name",
    {
      config: { scope: "delegates:read" },
      schema: {
        summary: "Show an app",
        tags: ["delegates"],
        operationId: "getApp",
        params: appParams,
        response: { 200: appInfo },
      },
    },
    async (req) => delegates.apps.get(req.params.name),
  );

  app.get<{ Params: { name: string } }>(
    "/v1/apps/:name/versions",
    {
      config: { scope: "delegates:read" },
      schema: {
        summary: "List an app's delegate versions",
        tags: ["delegates"],
        operationId: "listAppVersions",
        params: appParams,
        response: {
          200: {
            type: "object",
            required: ["versions"],
            properties: { versions: { type: "array", items: versionInfo } },
          },
        },
      },
    },
    async (req) => ({ versions: await delegates.versions.list(req.params.name) }),
  );

  app.post<{
    Params: { name: string };
    Body: { sequence: number; previousKey: string; newKey: string; signature: string };
  }>(
    "/v1/apps/:name/rotate-key",
    {
      config: { scope: "delegates:write" },
      schema: {
        summary: "Rotate an app's key with a statement signed by its current key",
        tags: ["delegates"],
        operationId: "rotateAppKey",
        params: appParams,
        body: {
          type: "object",
          required: ["sequence", "previousKey", "newKey", "signature"],
          additionalProperties: false,
          properties: {
            sequence: { type: "integer", minimum: 1, maximum: Number.MAX_SAFE_INTEGER },
            previousKey: hex32,
            newKey: hex32,
            signature: { type: "string", pattern: "^[0-9a-fA-F]{128}$" },
          },
        },
        response: { 200: appInfo },
      },
    },
    async (req) =>
      delegates.apps.rotateKey(
        {
          app: req.params.name,
          sequence: req.body.sequence,
          previousKey: hexToBytes(req.body.previousKey, "body.previousKey", 32),
          newKey: hexToBytes(req.body.newKey, "body.newKey", 32),
        },
        hexToBytes(req.body.signature, "body.signature", 64),
      ),
  );

  app.post<{ Body: { certificate: string; wasm?: string } }>(
    "/v1/delegates",
    {
      config: { scope: "delegates:write" },
      schema: {
        summary:
          "Register a delegate version with its certificate (the certificate file's JSON text), optionally with its WebAssembly module",
        tags: ["delegates"],
        operationId: "registerDelegate",
        body: {
          type: "object",
          required: ["certificate"],
          additionalProperties: false,
          properties: {
            certificate: { type: "string", minLength: 2, maxLength: 65_536 },
            wasm: {
              type: "string",
              maxLength: 16_000_000,
              description:
                "the freenet WebAssembly module, base64url; BLAKE3 must equal the certified code hash",
            },
          },
        },
        response: { 201: versionInfo },
      },
    },
    async (req, reply) => {
      const cert = parseCertificate(req.body.certificate);
      const wasm = req.body.wasm === undefined ? undefined : base64urlToBytes(req.body.wasm, "body.wasm");
      return reply
        .code(201)
        .send(await (wasm ? delegates.modules.register(cert, wasm) : delegates.versions.register(cert)));
    },
  );

  app.get<{ Params: { key: string } }>(
    "/v1/delegates/:key",
    {
      config: { scope: "delegates:read" },
      schema: {
        summary: "Status of a delegate version (revocation, migration tombstone, counts)",
        tags: ["delegates"],
        operationId: "delegateStatus",
        params: keyParams,
        response: { 200: looseObject("version status") },
      },
    },
    async (req) => delegates.versions.status(req.params.key),
  );

  app.post<{ Params: { key: string }; Body: { reason: string; appKey: string; signature: string } }>(
    "/v1/delegates/:key/revoke",
    {
      config: { scope: "delegates:write" },
      schema: {
        summary: "Revoke a delegate version with a statement signed by the app's current key",
        tags: ["delegates"],
        operationId: "revokeDelegate",
        params: keyParams,
        body: {
          type: "object",
          required: ["reason", "appKey", "signature"],
          additionalProperties: false,
          properties: {
            reason: { type: "string", maxLength: 200 },
            appKey: hex32,
            signature: { type: "string", pattern: "^[0-9a-fA-F]{128}$" },
          },
        },
        response: { 200: versionInfo },
      },
    },
    async (req) =>
      delegates.versions.revoke(
        req.params.key,
        req.body.reason,
        hexToBytes(req.body.appKey, "body.appKey", 32),
        hexToBytes(req.body.signature, "body.signature", 64),
      ),
  );

  app.post<{ Params: { key: string }; Body: { to: string; ttlSeconds?: number } }>(
    "/v1/delegates/:key/migration-tokens",
    {
      config: { scope: "delegates:migrate" },
      schema: {
        summary: "Issue a single-use migration token from this version to `to` (shown once)",
        tags: ["delegates"],
        operationId: "issueMigrationToken",
        params: keyParams,
        body: {
          type: "object",
          required: ["to"],
          additionalProperties: false,
          properties: { to: hex32, ttlSeconds: { type: "integer", minimum: 1, maximum: 30 * 24 * 3600 } },
        },
        response: {
          201: {
            type: "object",
            required: ["token", "id", "from", "to", "expiresAt"],
            properties: {
              token: { type: "string" },
              id: { type: "string" },
              from: { type: "string" },
              to: { type: "string" },
              expiresAt: { type: "string" },
            },
          },
        },
      },
    },
    async (req, reply) =>
      reply.code(201).send(await delegates.tokens.issue(req.params.key, req.body.to, req.body.ttlSeconds)),
  );

  app.post<{ Params: { key: string }; Body: { to: string; token: string } }>(
    "/v1/delegates/:key/migrate",
    {
      config: { scope: "delegates:migrate" },
      schema: {
        summary: "Migrate every secret of this version to `to` with a migration token (single use)",
        tags: ["delegates"],
        operationId: "migrateDelegate",
        params: keyParams,
        body: {
          type: "object",
          required: ["to", "token"],
          additionalProperties: false,
          properties: { to: hex32, token: { type: "string", minLength: 1, maxLength: 128 } },
        },
        response: { 200: looseObject("migration: id, from, to, versions, moved, conflicts, at") },
      },
    },
    async (req) => delegates.migrations.migrate(req.params.key, req.body.to, req.body.token),
  );
}
