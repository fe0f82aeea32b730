// /v1/delegates/:key/cosigners and /v1/cosigners/:id/…: MuSig2 (BIP-327) cosigner sessions over a sealed share.
import type { FastifyInstance, FastifyRequest } from "fastify";
import { hexToBytes } from "../../crypto/bytes.js";
import type { Delegates } from "../../delegates/delegates.js";
import { KeywardError } from "../../errors/keyward-error.js";
import { hasScope } from "../../service/tokens.js";
import { principalOf } from "../auth.js";
import { hex32, identitySchema, labelSchema, timestamp, timestampMs } from "../schemas.js";
import { looseObject } from "./delegates.js";

const hexOf = (n: number) => ({ type: "string", pattern: `^[0-9a-fA-F]{${n * 2}}$` }) as const;
const keyParams = {
  type: "object",
  required: ["key"],
  properties: { key: { ...hex32, description: "delegate key (64 hex)" } },
} as const;
const idParams = {
  type: "object",
  required: ["id"],
  properties: { id: { type: "string", minLength: 1, maxLength: 64 } },
} as const;
const perMessage = (item: object, description: string) =>
  ({ type: "array", minItems: 1, maxItems: 4096, items: item, description }) as const;
const rowsOf = (n: number, description: string) =>
  perMessage({ type: "array", minItems: 1, maxItems: 64, items: hexOf(n) }, description);
const round = { type: "integer", minimum: 1, maximum: Number.MAX_SAFE_INTEGER } as const;
const info = looseObject(
  "cosigner session: id, delegate, share (reference), publicKey, participants, signerIndex, tweaks, aggregateKey, internalKey, messages, expiresAt, round, rounds",
);

type Rows = string[][];
const bytesRows = (rows: Rows, name: string) =>
  rows.map((r, m) => r.map((h, j) => hexToBytes(h, `${name}[${m}][${j}]`)));

interface CreateBody {
  share: { secret?: string; partition?: string; identity?: string; label?: string };
  peers: string[];
  messages: string[];
  tweaks?: { tweak: string; xOnly: boolean }[];
  taproot?: boolean;
  merkleRoot?: string;
  expiresAt: string | number;
  maxRounds?: number;
  fireAt?: string | number;
}

/** The partition a create request's custody share names (partition-bound tokens may use only theirs). */
const sharePartition = (req: FastifyRequest) =>
  (req.body as Partial<CreateBody> | undefined)?.share?.partition;

/** Registers the cosigner routes. */
export function cosignerRoutes(app: FastifyInstance, delegates: Delegates): void {
  app.post<{ Params: { key: string }; Body: CreateBody }>(
    "/v1/delegates/:key/cosigners",
    {
      config: { scope: "delegates:write", partition: sharePartition },
      schema: {
        summary:
          "Create a MuSig2 cosigner session over a share (a delegate secret, or a custody identity's bip340 key)",
        tags: ["delegates"],
        operationId: "createCosigner",
        params: keyParams,
        body: {
          type: "object",
          required: ["share", "peers", "messages", "expiresAt"],
          additionalProperties: false,
          properties: {
            share: {
              type: "object",
              additionalProperties: false,
              description:
                '{"secret": NAME} (e.g. dkg-secret.alice) or {"partition", "identity", "label"?} (needs custody:sign)',
              properties: {
                secret: { type: "string", minLength: 1, maxLength: 200 },
                partition: { type: "string", minLength: 1, maxLength: 64 },
                identity: identitySchema,
                label: labelSchema,
              },
            },
            peers: { type: "array", minItems: 1, maxItems: 63, items: hexOf(33) },
            messages: perMessage(
              { type: "string", pattern: "^(?:[0-9a-fA-F]{2}){0,1024}$" },
              "messages to cosign",
            ),
            tweaks: {
              type: "array",
              maxItems: 16,
              items: {
                type: "object",
                required: ["tweak", "xOnly"],
                additionalProperties: false,
                properties: { tweak: hexOf(32), xOnly: { type: "boolean" } },
              },
            },
            taproot: { type: "boolean", description: "apply the BIP-341 taproot tweak (key-path)" },
            merkleRoot: { ...hexOf(32), description: "taproot tweak with this script merkle root" },
            expiresAt: timestamp,
            maxRounds: { type: "integer", minimum: 1, maximum: 1000 },
            fireAt: timestamp,
          },
        },
        response: { 201: info },
      },
    },
    async (req, reply) => {
      const b = req.body;
      const { secret, partition, identity, label } = b.share;
      if ((secret === undefined) === (partition === undefined || identity === undefined))
        throw new KeywardError("invalid_input", 'body.share must be {"secret"} or {"partition", "identity"}');
      if (secret === undefined && !hasScope(principalOf(req), "custody:sign"))
        throw new KeywardError("forbidden", "a custody share needs a token with scope custody:sign");
      const source =
        secret !== undefined
          ? { imported: secret }
          : { custody: { partition: partition!, identity: identity!, ...(label ? { label } : {}) } };
      const taproot = b.merkleRoot !== undefined ? hexToBytes(b.merkleRoot, "body.merkleRoot") : b.taproot;
      const c = await delegates.cosigners.create(req.params.key, source, {
        peers: b.peers.map((p, i) => hexToBytes(p, `body.peers[${i}]`)),
        messages: b.messages.map((m, i) => hexToBytes(m, `body.messages[${i}]`)),
        tweaks: (b.tweaks ?? []).map((t, i) => ({
          tweak: hexToBytes(t.tweak, `body.tweaks[${i}]`),
          xOnly: t.xOnly,
        })),
        ...(taproot !== undefined ? { taproot } : {}),
        expiresAt: timestampMs(b.expiresAt),
        ...(b.maxRounds !== undefined ? { maxRounds: b.maxRounds } : {}),
        ...(b.fireAt !== undefined ? { fireAt: timestampMs(b.fireAt) } : {}),
      });
      return reply.code(201).send(c);
    },
  );

  app.get<{ Params: { key: string } }>(
    "/v1/delegates/:key/cosigners",
    {
      config: { scope: "delegates:read" },
      schema: {
        summary: "List a delegate's cosigner sessions",
        tags: ["delegates"],
        operationId: "listCosigners",
        params: keyParams,
        response: {
          200: {
            type: "object",
            required: ["cosigners"],
            properties: { cosigners: { type: "array", items: info } },
          },
        },
      },
    },
    async (req) => ({ cosigners: await delegates.cosigners.list(req.params.key) }),
  );

  app.get<{ Params: { id: string } }>(
    "/v1/cosigners/:id",
    {
      config: { scope: "delegates:read" },
      schema: {
        summary: "Show a cosigner session and its rounds (public data only)",
        tags: ["delegates"],
        operationId: "getCosigner",
        params: idParams,
        response: { 200: info },
      },
    },
    async (req) => delegates.cosigners.show(req.params.id),
  );

  app.post<{ Params: { id: string }; Body: { fresh?: boolean } | undefined }>(
    "/v1/cosigners/:id/nonce",
    {
      config: { scope: "delegates:write" },
      schema: {
        summary:
          "Round 1: the public nonces of the open round (a new round with fresh, or when none is open)",
        tags: ["delegates"],
        operationId: "cosignerNonce",
        params: idParams,
        body: { type: "object", additionalProperties: false, properties: { fresh: { type: "boolean" } } },
        response: { 200: looseObject("round, pubNonces (one 66-byte hex nonce per message)") },
      },
    },
    async (req) => delegates.cosigners.nonce(req.params.id, { fresh: req.body?.fresh === true }),
  );

  app.post<{ Params: { id: string }; Body: { round: number; pubNonces?: Rows; aggNonces?: string[] } }>(
    "/v1/cosigners/:id/sign",
    {
      config: { scope: "delegates:write" },
      schema: {
        summary:
          "Round 2: partial signatures; the round's secret nonces are destroyed in the same transaction",
        tags: ["delegates"],
        operationId: "cosignerSign",
        params: idParams,
        body: {
          type: "object",
          required: ["round"],
          additionalProperties: false,
          properties: {
            round,
            pubNonces: rowsOf(66, "per message: the other signers' public nonces (or every signer's)"),
            aggNonces: perMessage(hexOf(66), "per message: the aggregate nonce"),
          },
        },
        response: { 200: looseObject("round, partialSigs (one 32-byte hex partial signature per message)") },
      },
    },
    async (req) => {
      const { pubNonces, aggNonces } = req.body;
      if ((pubNonces === undefined) === (aggNonces === undefined))
        throw new KeywardError("invalid_input", "give exactly one of body.pubNonces or body.aggNonces");
      const input = aggNonces
        ? { aggNonces: aggNonces.map((a, i) => hexToBytes(a, `body.aggNonces[${i}]`)) }
        : { pubNonces: bytesRows(pubNonces!, "body.pubNonces") };
      return delegates.cosigners.sign(req.params.id, req.body.round, input);
    },
  );

  app.post<{ Params: { id: string }; Body: { round: number; partialSigs: Rows; pubNonces?: Rows } }>(
    "/v1/cosigners/:id/verify",
    {
      config: { scope: "delegates:read" },
      schema: {
        summary: "Verify the other signers' partial signatures of a signed round",
        tags: ["delegates"],
        operationId: "cosignerVerify",
        params: idParams,
        body: {
          type: "object",
          required: ["round", "partialSigs"],
          additionalProperties: false,
          properties: {
            round,
            partialSigs: rowsOf(32, "per message: the other signers' partial signatures (or every signer's)"),
            pubNonces: rowsOf(66, "every signer's public nonces, when round 2 got aggregate nonces"),
          },
        },
        response: { 200: looseObject("valid (per message), invalid ({message, signer} pairs)") },
      },
    },
    async (req) =>
      delegates.cosigners.verify(
        req.params.id,
        req.body.round,
        bytesRows(req.body.partialSigs, "body.partialSigs"),
        req.body.pubNonces ? bytesRows(req.body.pubNonces, "body.pubNonces") : undefined,
      ),
  );

  app.post<{ Params: { id: string }; Body: { round: number; partialSigs: Rows } }>(
    "/v1/cosigners/:id/aggregate",
    {
      config: { scope: "delegates:write" },
      schema: {
        summary: "Aggregate final BIP-340 signatures (each verified under the aggregate key)",
        tags: ["delegates"],
        operationId: "cosignerAggregate",
        params: idParams,
        body: {
          type: "object",
          required: ["round", "partialSigs"],
          additionalProperties: false,
          properties: {
            round,
            partialSigs: rowsOf(32, "per message: the other signers' partial signatures"),
          },
        },
        response: {
          200: looseObject("round, aggregateKey, signatures (one 64-byte hex BIP-340 signature per message)"),
        },
      },
    },
    async (req) =>
      delegates.cosigners.aggregate(
        req.params.id,
        req.body.round,
        bytesRows(req.body.partialSigs, "body.partialSigs"),
      ),
  );
}
