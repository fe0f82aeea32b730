// POST /v1/delegates/:key/migrate: migrate every secret of this version to `to` with a migration token (single use).
import { actorOf } from "../../auth.js";
import type { RouteModule } from "../../route-kit.js";
import { delegateKeyParams, hex32, looseObject } from "../../schemas.js";

/** Registers `POST /v1/delegates/:key/migrate`. */
export const migrateDelegate: RouteModule = (app, kw) => {
  const delegates = kw.delegates;
  app.post(
    "/v1/delegates/:key/migrate",
    {
      config: { scope: "delegates:migrate" },
      schema: {
        summary: "Migrate every secret of this version to `to` with a migration token (single use)",
        tags: ["delegates"],
        operationId: "migrateDelegate",
        params: delegateKeyParams,
        body: {
          type: "object",
          required: ["to", "token"],
          additionalProperties: false,
          properties: { to: hex32, token: { type: "string", minLength: 1, maxLength: 128 } },
        },
        response: { 200: looseObject("migration: id, from, to, versions, moved, conflicts, at") },
      },
    },
    async (req) => delegates.migrations.migrate(req.params.key, req.body.to, req.body.token, actorOf(req)),
  );
};
