// GET /v1/sessions/:id: show a session.
import type { RouteModule } from "../../route-kit.js";
import { sessionInfo, sessionParams } from "./shared.js";

/** Registers `GET /v1/sessions/:id`. */
export const getSession: RouteModule = (app, kw) => {
  const delegates = kw.delegates;
  app.get(
    "/v1/sessions/:id",
    {
      config: { scope: "delegates:read" },
      schema: {
        summary: "Show a session",
        tags: ["delegates"],
        operationId: "getSession",
        params: sessionParams,
        response: { 200: sessionInfo },
      },
    },
    async (req) => delegates.sessions.show(req.params.id),
  );
};
