// POST /v1/tokens/:id/renew: extend a live token's expiry (scope `admin`; audited).
import { actorOf } from "../../auth.js";
import type { RouteModule } from "../../route-kit.js";
import { tokenIdParams, tokenInfo, ttlSeconds } from "./schemas.js";

/** Registers `POST /v1/tokens/:id/renew`. */
export const renewToken: RouteModule = (app, kw) => {
  app.post(
    "/v1/tokens/:id/renew",
    {
      config: { scope: "admin" },
      schema: {
        summary: "Renew a live token: it expires ttlSeconds (default: its own TTL) from now",
        tags: ["tokens"],
        operationId: "renewToken",
        params: tokenIdParams,
        body: { type: "object", additionalProperties: false, properties: { ttlSeconds } },
        response: { 200: tokenInfo },
      },
    },
    async (req) =>
      kw.tokens.renew(
        req.params.id,
        req.body?.ttlSeconds !== undefined ? { ttlSeconds: req.body.ttlSeconds } : {},
        actorOf(req),
      ),
  );
};
