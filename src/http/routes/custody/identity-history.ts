// GET /v1/partitions/:partition/identities/:identity/history: Public keys, signed statements and status changes of an identity path
import type { FastifyRequest } from "fastify";
import { actorOf } from "../../auth.js";
import type { RouteModule } from "../../route-kit.js";
import { looseObject } from "../../schemas.js";
import { fromParams, type IdentityReq, identityParams, labelQuery, ref } from "./shared.js";

/** Registers `GET /v1/partitions/:partition/identities/:identity/history`. */
export const identityHistory: RouteModule = (app, kw) => {
  const custody = kw.custody;
  // Audit events name the request's token, so the log says who signed or changed a key.
  const as = (req: FastifyRequest) => custody.as(actorOf(req));
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
    async (req) => as(req).history(ref(req as IdentityReq)),
  );
};
