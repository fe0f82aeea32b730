// POST /v1/delegations/events: apply a batch of events, all or nothing (a refused event names its index).
import type { RouteModule } from "../../route-kit.js";
import { outcome } from "./shared.js";

/** Registers `POST /v1/delegations/events`. */
export const writeDelegationEvents: RouteModule = (app, kw) => {
  const service = kw.delegations;
  app.post(
    "/v1/delegations/events",
    {
      config: { scope: "delegations:write" },
      schema: {
        summary: "Apply a batch of events, all or nothing (a refused event names its index)",
        tags: ["delegations"],
        operationId: "writeDelegationEvents",
        body: {
          type: "object",
          required: ["events"],
          additionalProperties: false,
          properties: { events: { type: "array", minItems: 1, maxItems: 10_000, items: { type: "object" } } },
        },
        response: {
          200: {
            type: "object",
            required: ["outcomes"],
            properties: { outcomes: { type: "array", items: outcome } },
          },
        },
      },
    },
    async (req) => ({ outcomes: await service.write(req.body.events) }),
  );
};
