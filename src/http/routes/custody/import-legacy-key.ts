// POST /v1/partitions/:partition/identities/:identity/import-legacy: Import a random legacy key (sealed at once; it signs until remapped)
import { hexToBytes, Secret } from "../../../service/primitives.js";
import { actorOf } from "../../auth.js";
import type { RouteModule } from "../../route-kit.js";
import { hexString, looseObject } from "../../schemas.js";
import { fromParams, type IdentityReq, identityParams, labelQuery, ref } from "./shared.js";

/** Registers `POST /v1/partitions/:partition/identities/:identity/import-legacy`. */
export const importLegacyKey: RouteModule = (app, kw) => {
  const custody = kw.custody;
  app.post(
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
          .send(await custody.importLegacy(ref(req as IdentityReq), req.body.scheme, key, actorOf(req)));
      } finally {
        key.wipe();
      }
    },
  );
};
