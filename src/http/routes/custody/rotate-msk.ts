// POST /v1/partitions/:partition/msk/rotate: Open a new MSK epoch; move identities now (batch, default) or lazily on use
import type { FastifyRequest } from "fastify";
import { actorOf } from "../../auth.js";
import type { RouteModule } from "../../route-kit.js";
import { looseObject } from "../../schemas.js";
import { fromParams, partitionParams } from "./shared.js";

/** Registers `POST /v1/partitions/:partition/msk/rotate`. */
export const rotateMsk: RouteModule = (app, kw) => {
  const custody = kw.custody;
  // Audit events name the request's token, so the log says who signed or changed a key.
  const as = (req: FastifyRequest) => custody.as(actorOf(req));
  app.post(
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
};
