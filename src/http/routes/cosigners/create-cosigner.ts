// POST /v1/delegates/:key/cosigners: create a MuSig2 cosigner session over a share (a delegate secret, or a …
import { KeywardError } from "../../../errors/keyward-error.js";
import { hexToBytes } from "../../../service/primitives.js";
import { hasScope } from "../../../service/tokens.js";
import { actorOf, principalOf } from "../../auth.js";
import type { RouteModule } from "../../route-kit.js";
import { delegateKeyParams, identitySchema, labelSchema, timestamp, timestampMs } from "../../schemas.js";
import { hexOf, info, perMessage, sharePartition } from "./shared.js";

/** Registers `POST /v1/delegates/:key/cosigners`. */
export const createCosigner: RouteModule = (app, kw) => {
  const delegates = kw.delegates;
  app.post(
    "/v1/delegates/:key/cosigners",
    {
      config: { scope: "delegates:write", partition: sharePartition },
      schema: {
        summary:
          "Create a MuSig2 cosigner session over a share (a delegate secret, or a custody identity's bip340 key)",
        tags: ["delegates"],
        operationId: "createCosigner",
        params: delegateKeyParams,
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
      const c = await delegates.cosigners.create(
        req.params.key,
        source,
        {
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
        },
        actorOf(req),
      );
      return reply.code(201).send(c);
    },
  );
};
