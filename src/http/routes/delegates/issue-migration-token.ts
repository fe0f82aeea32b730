// POST /v1/delegates/:key/migration-tokens: issue a single-use migration token from this version to `to` (shown …
import { actorOf } from "../../auth.js";
import type { RouteModule } from "../../route-kit.js";
import { delegateKeyParams, hex32 } from "../../schemas.js";

/** Registers `POST /v1/delegates/:key/migration-tokens`. */
export const issueMigrationToken: RouteModule = (app, kw) => {
  const delegates = kw.delegates;
  app.post(
    "/v1/delegates/:key/migration-tokens",
    {
      config: { scope: "delegates:migrate" },
      schema: {
        summary: "Issue a single-use migration token from this version to `to` (shown once)",
        tags: ["delegates"],
        operationId: "issueMigrationToken",
        params: delegateKeyParams,
        body: {
          type: "object",
          required: ["to"],
          additionalProperties: false,
          properties: { to: hex32, ttlSeconds: { type: "integer", minimum: 1, maximum: 30 * 24 * 3600 } },
        },
        response: {
          201: {
            type: "object",
            required: ["token", "id", "from", "to", "expiresAt"],
            properties: {
              token: { type: "string" },
              id: { type: "string" },
              from: { type: "string" },
              to: { type: "string" },
              expiresAt: { type: "string" },
            },
          },
        },
      },
    },
    async (req, reply) =>
      reply
        .code(201)
        .send(await delegates.tokens.issue(req.params.key, req.body.to, req.body.ttlSeconds, actorOf(req))),
  );
};
