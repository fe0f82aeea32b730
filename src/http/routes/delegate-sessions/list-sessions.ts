// GET /v1/delegates/:key/sessions: list a delegate's sessions.
import type { RouteModule } from "../../route-kit.js";
import { delegateKeyParams } from "../../schemas.js";
import { sessionInfo } from "./shared.js";

/** Registers `GET /v1/delegates/:key/sessions`. */
export const listSessions: RouteModule = (app, kw) => {
  const delegates = kw.delegates;
  app.get(
    "/v1/delegates/:key/sessions",
    {
      config: { scope: "delegates:read" },
      schema: {
        summary: "List a delegate's sessions",
        tags: ["delegates"],
        operationId: "listSessions",
        params: delegateKeyParams,
        response: {
          200: {
            type: "object",
            required: ["sessions"],
            properties: { sessions: { type: "array", items: sessionInfo } },
          },
        },
      },
    },
    async (req) => ({ sessions: await delegates.sessions.list(req.params.key) }),
  );
};
