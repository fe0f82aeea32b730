// GET /v1/delegates/:key/secrets: list a delegate's secret names.
import type { RouteModule } from "../../route-kit.js";
import { delegateKeyParams } from "../../schemas.js";

/** Registers `GET /v1/delegates/:key/secrets`. */
export const listDelegateSecrets: RouteModule = (app, kw) => {
  const delegates = kw.delegates;
  app.get(
    "/v1/delegates/:key/secrets",
    {
      config: { scope: "delegates:read" },
      schema: {
        summary: "List a delegate's secret names",
        tags: ["delegates"],
        operationId: "listDelegateSecrets",
        params: delegateKeyParams,
        response: {
          200: {
            type: "object",
            required: ["names"],
            properties: { names: { type: "array", items: { type: "string" } } },
          },
        },
      },
    },
    async (req) => ({ names: await delegates.secrets.list(req.params.key) }),
  );
};
