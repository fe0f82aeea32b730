// GET /v1/delegations/history: every validity interval of (delegator, provider[, scope]).
import type { RouteModule } from "../../route-kit.js";
import { idQuery, looseObject } from "../../schemas.js";

/** Registers `GET /v1/delegations/history`. */
export const delegationHistory: RouteModule = (app, kw) => {
  const service = kw.delegations;
  app.get(
    "/v1/delegations/history",
    {
      config: { scope: "delegations:read" },
      schema: {
        summary: "Every validity interval of (delegator, provider[, scope])",
        tags: ["delegations"],
        operationId: "delegationHistory",
        querystring: {
          type: "object",
          required: ["delegator", "provider"],
          additionalProperties: false,
          properties: { delegator: idQuery, provider: idQuery, scope: idQuery },
        },
        response: {
          200: {
            type: "object",
            required: ["histories"],
            properties: {
              histories: {
                type: "array",
                items: looseObject("delegator, provider, scope, intervals, lastEventAt"),
              },
            },
          },
        },
      },
    },
    async (req) => ({ histories: service.history(req.query.delegator, req.query.provider, req.query.scope) }),
  );
};
