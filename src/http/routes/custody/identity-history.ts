// GET /v1/partitions/:partition/identities/:identity/history: Public keys, signed statements and status changes of an identity path
import type { RouteModule } from "../../route-kit.js";
import { looseObject } from "../../schemas.js";
import { fromParams, type IdentityReq, identityParams, labelQuery, ref } from "./shared.js";

/** Registers `GET /v1/partitions/:partition/identities/:identity/history`. */
export const identityHistory: RouteModule = (app, kw) => {
  const custody = kw.custody;
  app.get(
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
    async (req) => custody.history(ref(req as IdentityReq)),
  );
};
