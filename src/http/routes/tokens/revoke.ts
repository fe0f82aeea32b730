// DELETE /v1/tokens/:id: revoke an API token, final (scope `admin`; audited).
import { actorOf } from "../../auth.js";
import type { RouteModule } from "../../route-kit.js";
import { tokenIdParams, tokenInfo } from "./schemas.js";

/** Registers `DELETE /v1/tokens/:id`. */
export const revokeToken: RouteModule = (app, kw) => {
  app.delete(
    "/v1/tokens/:id",
    {
      config: { scope: "admin" },
      schema: {
        summary: "Revoke an API token (final)",
        tags: ["tokens"],
        operationId: "revokeToken",
        params: tokenIdParams,
        response: { 200: tokenInfo },
      },
    },
    async (req) => kw.tokens.revoke(req.params.id, actorOf(req)),
  );
};
