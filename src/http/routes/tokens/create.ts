// POST /v1/tokens: create an API token (scope `admin`; shown once; audited).
import { SCOPES } from "../../../service/tokens.js";
import { actorOf } from "../../auth.js";
import type { RouteModule } from "../../route-kit.js";
import { partitionName } from "../../schemas.js";
import { tokenInfo, ttlSeconds } from "./schemas.js";

/** Registers `POST /v1/tokens`. */
export const createToken: RouteModule = (app, kw) => {
  app.post(
    "/v1/tokens",
    {
      config: { scope: "admin" },
      schema: {
        summary: "Create an API token (shown once)",
        tags: ["tokens"],
        operationId: "createToken",
        body: {
          type: "object",
          required: ["scopes"],
          additionalProperties: false,
          properties: {
            scopes: {
              type: "array",
              minItems: 1,
              maxItems: SCOPES.length,
              items: { type: "string", enum: SCOPES },
            },
            partition: partitionName,
            label: { type: "string", maxLength: 200 },
            ttlSeconds,
          },
        },
        response: {
          201: {
            type: "object",
            required: ["token", "info"],
            properties: { token: { type: "string", description: "shown once" }, info: tokenInfo },
          },
        },
      },
    },
    async (req, reply) => {
      const created = await kw.tokens.create({
        scopes: req.body.scopes,
        partition: req.body.partition ?? null,
        label: req.body.label ?? null,
        ...(req.body.ttlSeconds !== undefined ? { ttlSeconds: req.body.ttlSeconds } : {}),
        actor: actorOf(req),
      });
      return reply.code(201).send(created);
    },
  );
};
