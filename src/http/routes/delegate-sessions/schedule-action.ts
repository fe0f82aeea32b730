// POST /v1/sessions/:id/actions: schedule a pending action (fires once, also after restarts).
import { hexToBytes } from "../../../service/primitives.js";
import type { RouteModule } from "../../route-kit.js";
import { timestampMs } from "../../schemas.js";
import { action, sessionParams } from "./shared.js";

/** Registers `POST /v1/sessions/:id/actions`. */
export const scheduleAction: RouteModule = (app, kw) => {
  const delegates = kw.delegates;
  app.post(
    "/v1/sessions/:id/actions",
    {
      config: { scope: "delegates:write" },
      schema: {
        summary: "Schedule a pending action (fires once, also after restarts)",
        tags: ["delegates"],
        operationId: "scheduleAction",
        params: sessionParams,
        body: action,
        response: { 201: { type: "object", required: ["id"], properties: { id: { type: "string" } } } },
      },
    },
    async (req, reply) =>
      reply.code(201).send({
        id: await delegates.sessions.schedule(req.params.id, {
          fireAt: timestampMs(req.body.fireAt),
          message: hexToBytes(req.body.message, "body.message"),
        }),
      }),
  );
};
