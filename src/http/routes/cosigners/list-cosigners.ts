// GET /v1/delegates/:key/cosigners: list a delegate's cosigner sessions.
import type { RouteModule } from "../../route-kit.js";
import { delegateKeyParams } from "../../schemas.js";
import { info } from "./shared.js";

/** Registers `GET /v1/delegates/:key/cosigners`. */
export const listCosigners: RouteModule = (app, kw) => {
  const delegates = kw.delegates;
  app.get(
    "/v1/delegates/:key/cosigners",
    {
      config: { scope: "delegates:read" },
      schema: {
        summary: "List a delegate's cosigner sessions",
        tags: ["delegates"],
        operationId: "listCosigners",
        params: delegateKeyParams,
        response: {
          200: {
            type: "object",
            required: ["cosigners"],
            properties: { cosigners: { type: "array", items: info } },
          },
        },
      },
    },
    async (req) => ({ cosigners: await delegates.cosigners.list(req.params.key) }),
  );
};
