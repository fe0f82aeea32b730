// POST /v1/partitions/:partition/identities/:identity/sign: Sign with the identity's current key (ed25519 message, secp256k1 digest or EIP-191 message)
import { actorOf } from "../../auth.js";
import { decodeBytes } from "../../encoding.js";
import type { RouteModule } from "../../route-kit.js";
import { encodingEnum, looseObject } from "../../schemas.js";
import {
  fromParams,
  type IdentityReq,
  identityParams,
  labelQuery,
  ref,
  schemeEnum,
  signOptions,
} from "./shared.js";

/** Registers `POST /v1/partitions/:partition/identities/:identity/sign`. */
export const identitySign: RouteModule = (app, kw) => {
  const custody = kw.custody;
  // The audit entry names the request's token, so the log says who signed.
  app.post(
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
      custody.sign(
        ref(req as IdentityReq),
        decodeBytes(req.body.message, req.body.encoding ?? "hex", "body.message"),
        signOptions(req.body),
        actorOf(req),
      ),
  );
};
