// POST /v1/partitions/:partition/identities/:identity/sign-batch: sign up to 256 messages with one identity key.
import { MAX_SIGN_BATCH } from "../../../service/custody.js";
import { actorOf } from "../../auth.js";
import { decodeBytes } from "../../encoding.js";
import type { RouteModule } from "../../route-kit.js";
import { encodingEnum } from "../../schemas.js";
import { fromParams, type IdentityReq, identityParams, labelQuery, ref, signOptions } from "./shared.js";

/** Longest message text accepted per item (hex: 32 KiB of bytes); the batch is also bound by the body limit. */
const MAX_MESSAGE_CHARS = 65_536;

const signature = {
  type: "object",
  required: ["signature", "publicKey", "generation", "scheme", "address"],
  properties: {
    signature: { type: "string" },
    publicKey: { type: "string" },
    generation: { type: "integer" },
    scheme: { type: "string" },
    address: { type: "string" },
  },
} as const;

/**
 * Registers the batch sign route: the messages are signed in order with the identity's current key, each with
 * its own audit entry (one commit for the batch); the answer comes after every entry committed.
 */
export const identitySignBatch: RouteModule = (app, kw) => {
  const custody = kw.custody;
  app.post(
    "/v1/partitions/:partition/identities/:identity/sign-batch",
    {
      config: { scope: "custody:sign", partition: fromParams },
      schema: {
        summary: `Sign 1 to ${MAX_SIGN_BATCH} messages with the identity's current key (one audit entry each)`,
        tags: ["custody"],
        operationId: "identitySignBatch",
        params: identityParams,
        querystring: labelQuery,
        body: {
          type: "object",
          required: ["messages"],
          additionalProperties: false,
          properties: {
            messages: {
              type: "array",
              minItems: 1,
              maxItems: MAX_SIGN_BATCH,
              items: { type: "string", maxLength: MAX_MESSAGE_CHARS },
              description: "the messages (secp256k1 without eip191: 32-byte digests), hex by default",
            },
            encoding: { ...encodingEnum, description: "how every message is written (default hex)" },
            scheme: { type: "string", enum: ["ed25519", "secp256k1", "bip340"] },
            eip191: { type: "boolean" },
            taproot: { type: "boolean", description: "bip340: sign with the BIP-341 tweaked (output) key" },
            merkleRoot: { type: "string", pattern: "^[0-9a-fA-F]{64}$", description: "taproot script root" },
          },
        },
        response: {
          200: {
            type: "object",
            required: ["signatures"],
            properties: { signatures: { type: "array", items: signature } },
          },
        },
      },
    },
    async (req) => {
      const { body } = req;
      const encoding = body.encoding ?? "hex";
      const messages = body.messages.map((m, i) => decodeBytes(m, encoding, `body.messages[${i}]`));
      const signatures = await custody.signMany(
        ref(req as IdentityReq),
        messages,
        signOptions(body),
        actorOf(req),
      );
      return { signatures };
    },
  );
};
