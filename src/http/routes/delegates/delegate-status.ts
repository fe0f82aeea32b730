// GET /v1/delegates/:key: status of a delegate version (revocation, migration tombstone, counts).
import type { RouteModule } from "../../route-kit.js";
import { delegateKeyParams, looseObject } from "../../schemas.js";

/** Registers `GET /v1/delegates/:key`. */
export const delegateStatus: RouteModule = (app, kw) => {
  const delegates = kw.delegates;
  app.get(
    "/v1/delegates/:key",
    {
      config: { scope: "delegates:read" },
      schema: {
        summary: "Status of a delegate version (revocation, migration tombstone, counts)",
        tags: ["delegates"],
        operationId: "delegateStatus",
        params: delegateKeyParams,
        response: { 200: looseObject("version status") },
      },
    },
    async (req) => delegates.versions.status(req.params.key),
  );
};
