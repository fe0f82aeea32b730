// POST /v1/partitions/:partition/msk/rotate: Open a new MSK epoch; move identities now (batch, default) or lazily on use
import { actorOf } from "../../auth.js";
import type { RouteModule } from "../../route-kit.js";
import { looseObject } from "../../schemas.js";
import { fromParams, partitionParams } from "./shared.js";

/** Registers `POST /v1/partitions/:partition/msk/rotate`. */
export const rotateMsk: RouteModule = (app, kw) => {
  const custody = kw.custody;
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
    async (req) =>
      custody.rotateMsk(req.params.partition, { batch: req.body?.batch !== false }, actorOf(req)),
  );
};
