// /v1/partitions: partitions, identity keys (key, sign, lifecycle, history, legacy import/remap), MSK rotation.

import type { FastifyInstance, FastifyRequest } from "fastify";
import type { Custody, Scheme } from "../../service/custody.js";
import { hexToBytes, Secret } from "../../service/primitives.js";
import { principalOf } from "../auth.js";
import { type ByteEncoding, decodeBytes } from "../encoding.js";
import { encodingEnum, hexString, looseObject, partitionName } from "../schemas.js";

type IdentityReq = FastifyRequest<{
  Params: { partition: string; identity: string };
  Querystring: { label?: string; scheme?: Scheme };
}>;

const schemeEnum = { type: "string", enum: ["ed25519", "secp256k1", "x25519", "bip340"] } as const;
const partitionParams = {
  type: "object",
  required: ["partition"],
  properties: { partition: partitionName },
} as const;
const identityParams = {
  type: "object",
  required: ["partition", "identity"],
  properties: {
    partition: partitionName,
    identity: {
      type: "string",
      minLength: 3,
      maxLength: 320,
      description: "type:value, e.g. email:alice@example.com",
    },
  },
} as const;
const labelQuery = {
  type: "object",
  properties: { label: { type: "string", maxLength: 128, description: "child label (default empty)" } },
} as const;
const keyQuery = { type: "object", properties: { ...labelQuery.properties, scheme: schemeEnum } } as const;
const partitionInfo = looseObject("partition: name, epoch, createdAt");
const fromParams = (req: FastifyRequest) => (req.params as { partition?: string }).partition;

function ref(req: IdentityReq) {
  return {
    partition: req.params.partition,
    identity: req.params.identity,
    ...(req.query.label !== undefined ? { label: req.query.label } : {}),
  };
}

/** A lifecycle route: POST …/identities/:identity/<action> under `custody:admin`. */
function lifecycle(
  app: FastifyInstance,
  action: "rotate" | "suspend" | "resume" | "revoke" | "remap",
  summary: string,
  run: (req: IdentityReq) => Promise<unknown>,
): void {
  app.post<{ Params: { partition: string; identity: string }; Querystring: { label?: string } }>(
    `/v1/partitions/:partition/identities/:identity/${action}`,
    {
      config: { scope: "custody:admin", partition: fromParams },
      schema: {
        summary,
        tags: ["custody"],
        operationId: `${action}Identity`,
        params: identityParams,
        querystring: labelQuery,
        response: { 200: looseObject(`${action} result`) },
      },
    },
    (req) => run(req as IdentityReq),
  );
}

/** Registers the custody routes. Every identity route is partition-scoped. */
export function custodyRoutes(app: FastifyInstance, custody: Custody): void {
  // Audit events name the request's token, so the log says who signed or changed a key.
  const as = (req: FastifyRequest) => custody.as(`token:${principalOf(req).id}`);
  app.post<{ Body: { name: string } }>(
    "/v1/partitions",
    {
      config: { scope: "custody:admin", partition: (req) => (req.body as { name?: string }).name },
      schema: {
        summary: "Create a partition (tenant) with its own master secret key",
        tags: ["custody"],
        operationId: "createPartition",
        body: {
          type: "object",
          required: ["name"],
          additionalProperties: false,
          properties: { name: partitionName },
        },
        response: { 201: partitionInfo },
      },
    },
    async (req, reply) => reply.code(201).send(await as(req).createPartition(req.body.name)),
  );

  app.get(
    "/v1/partitions",
    {
      config: { scope: "custody:read" },
      schema: {
        summary: "List partitions",
        tags: ["custody"],
        operationId: "listPartitions",
        response: {
          200: {
            type: "object",
            required: ["partitions"],
            properties: { partitions: { type: "array", items: partitionInfo } },
          },
        },
      },
    },
    async (req) => ({ partitions: await as(req).listPartitions() }),
  );

  app.get<{
    Params: { partition: string; identity: string };
    Querystring: { label?: string; scheme?: Scheme };
  }>(
    "/v1/partitions/:partition/identities/:identity/key",
    {
      config: { scope: "custody:read", partition: fromParams },
      schema: {
        summary: "Current public key of an identity (derived at generation 0 on first use)",
        tags: ["custody"],
        operationId: "identityKey",
        params: identityParams,
        querystring: keyQuery,
        response: { 200: looseObject("address, publicKey, generation, scheme (+ evmAddress)") },
      },
    },
    async (req) => as(req).key(ref(req), req.query.scheme ?? "ed25519"),
  );

  app.post<{
    Params: { partition: string; identity: string };
    Querystring: { label?: string };
    Body: {
      message: string;
      encoding?: ByteEncoding;
      scheme?: Scheme;
      eip191?: boolean;
      taproot?: boolean;
      merkleRoot?: string;
    };
  }>(
    "/v1/partitions/:partition/identities/:identity/sign",
    {
      config: { scope: "custody:sign", partition: fromParams },
      schema: {
        summary:
          "Sign with the identity's current key (ed25519 message, secp256k1 digest or EIP-191 message)",
        tags: ["custody"],
        operationId: "identitySign",
        params: identityParams,
        querystring: labelQuery,
        body: {
          type: "object",
          required: ["message"],
          additionalProperties: false,
          properties: {
            message: { type: "string", maxLength: 1_048_576, description: "the message, hex by default" },
            encoding: { ...encodingEnum, description: "how `message` is written (default hex)" },
            scheme: schemeEnum,
            eip191: { type: "boolean" },
            taproot: { type: "boolean", description: "bip340: sign with the BIP-341 tweaked (output) key" },
            merkleRoot: { type: "string", pattern: "^[0-9a-fA-F]{64}$", description: "taproot script root" },
          },
        },
        response: { 200: looseObject("signature, publicKey, generation, scheme, address") },
      },
    },
    async (req) =>
      as(req).sign(
        ref(req as IdentityReq),
        decodeBytes(req.body.message, req.body.encoding ?? "hex", "body.message"),
        {
          scheme: req.body.scheme ?? "ed25519",
          eip191: req.body.eip191 === true,
          ...(req.body.merkleRoot !== undefined
            ? { taproot: decodeBytes(req.body.merkleRoot, "hex", "body.merkleRoot") }
            : req.body.taproot !== undefined
              ? { taproot: req.body.taproot }
              : {}),
        },
      ),
  );

  app.get<{ Params: { partition: string; identity: string }; Querystring: { label?: string } }>(
    "/v1/partitions/:partition/identities/:identity/history",
    {
      config: { scope: "custody:read", partition: fromParams },
      schema: {
        summary: "Public keys, signed statements and status changes of an identity path",
        tags: ["custody"],
        operationId: "identityHistory",
        params: identityParams,
        querystring: labelQuery,
        response: { 200: looseObject("address, identity, label, status, generation, epoch, events") },
      },
    },
    async (req) => as(req).history(ref(req as IdentityReq)),
  );

  lifecycle(app, "rotate", "Rotate to generation + 1 (the old key signs the new one)", (req) =>
    as(req).rotate(ref(req)),
  );
  lifecycle(app, "suspend", "Suspend (reversible): signing fails with `suspended`", (req) =>
    as(req).suspend(ref(req)),
  );
  lifecycle(app, "resume", "Resume a suspended identity path", (req) => as(req).resume(ref(req)));
  lifecycle(app, "revoke", "Revoke for good: every later use fails with `revoked`", (req) =>
    as(req).revoke(ref(req)),
  );
  lifecycle(
    app,
    "remap",
    "Move an imported legacy key to a derived key (statement signed by the old key)",
    (req) => as(req).remap(ref(req)),
  );

  app.post<{
    Params: { partition: string; identity: string };
    Querystring: { label?: string };
    Body: { scheme: "ed25519" | "secp256k1"; privateKey: string };
  }>(
    "/v1/partitions/:partition/identities/:identity/import-legacy",
    {
      config: { scope: "custody:admin", partition: fromParams },
      schema: {
        summary: "Import a random legacy key (sealed at once; it signs until remapped)",
        tags: ["custody"],
        operationId: "importLegacyKey",
        params: identityParams,
        querystring: labelQuery,
        body: {
          type: "object",
          required: ["scheme", "privateKey"],
          additionalProperties: false,
          properties: {
            scheme: { type: "string", enum: ["ed25519", "secp256k1"] },
            privateKey: {
              ...hexString,
              minLength: 64,
              maxLength: 64,
              description: "32-byte seed / private key",
            },
          },
        },
        response: { 201: looseObject("address, publicKey, generation, scheme") },
      },
    },
    async (req, reply) => {
      const key = Secret.adopt(hexToBytes(req.body.privateKey, "body.privateKey", 32));
      try {
        return reply
          .code(201)
          .send(await as(req).importLegacy(ref(req as IdentityReq), req.body.scheme, key));
      } finally {
        key.wipe();
      }
    },
  );

  app.post<{ Params: { partition: string }; Body: { batch?: boolean } }>(
    "/v1/partitions/:partition/msk/rotate",
    {
      config: { scope: "custody:admin", partition: fromParams },
      schema: {
        summary: "Open a new MSK epoch; move identities now (batch, default) or lazily on use",
        tags: ["custody"],
        operationId: "rotateMsk",
        params: partitionParams,
        body: { type: "object", additionalProperties: false, properties: { batch: { type: "boolean" } } },
        response: { 200: looseObject("partition, epoch, moved, destroyedEpochs") },
      },
    },
    async (req) => as(req).rotateMsk(req.params.partition, { batch: req.body?.batch !== false }),
  );
}
