// GET /v1/secrets: list secret names.
import { USER_SECRET_NAMESPACE } from "../../../service/keyward.js";
import type { RouteModule } from "../../route-kit.js";

/** Registers `GET /v1/secrets`. */
export const listSecrets: RouteModule = (app, kw) => {
  const ns = USER_SECRET_NAMESPACE;
  app.get(
    "/v1/secrets",
    {
      config: { scope: "secrets:read" },
      schema: {
        summary: "List secret names",
        tags: ["secrets"],
        operationId: "listSecrets",
        querystring: { type: "object", properties: { prefix: { type: "string", maxLength: 512 } } },
        response: {
          200: {
            type: "object",
            required: ["names"],
            properties: { names: { type: "array", items: { type: "string" } } },
          },
        },
      },
    },
    async (req) => ({ names: await kw.storage.secrets.list(ns, req.query.prefix) }),
  );
};
