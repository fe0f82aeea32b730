// GET /v1/partitions/:partition/identities/:identity/key: Current public key of an identity (derived at generation 0 on first use)
import { actorOf } from "../../auth.js";
import type { RouteModule } from "../../route-kit.js";
import { looseObject } from "../../schemas.js";
import { fromParams, identityParams, keyQuery, ref } from "./shared.js";

/** Registers `GET /v1/partitions/:partition/identities/:identity/key`. */
export const identityKey: RouteModule = (app, kw) => {
  const custody = kw.custody;
  app.get(
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
    async (req) => custody.key(ref(req), req.query.scheme ?? "ed25519", actorOf(req)),
  );
};
