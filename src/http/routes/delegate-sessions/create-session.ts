// POST /v1/delegates/:key/sessions: create a signing session (key sealed; policy: message prefix, max uses, expiry).
import { hexToBytes } from "../../../service/primitives.js";
import { actorOf } from "../../auth.js";
import type { RouteModule } from "../../route-kit.js";
import { delegateKeyParams, hexString, timestamp, timestampMs } from "../../schemas.js";
import { action, sessionInfo } from "./shared.js";

/** Registers `POST /v1/delegates/:key/sessions`. */
export const createSession: RouteModule = (app, kw) => {
  const delegates = kw.delegates;
  app.post(
    "/v1/delegates/:key/sessions",
    {
      config: { scope: "delegates:write" },
      schema: {
        summary: "Create a signing session (key sealed; policy: message prefix, max uses, expiry)",
        tags: ["delegates"],
        operationId: "createSession",
        params: delegateKeyParams,
        body: {
          type: "object",
          required: ["policy"],
          additionalProperties: false,
          properties: {
            policy: {
              type: "object",
              required: ["messagePrefix", "maxUses", "expiresAt"],
              additionalProperties: false,
              properties: {
                messagePrefix: { ...hexString, maxLength: 2048 },
                maxUses: { type: "integer", minimum: 1, maximum: 1_000_000_000 },
                expiresAt: timestamp,
              },
            },
            actions: { type: "array", maxItems: 1000, items: action },
          },
        },
        response: { 201: sessionInfo },
      },
    },
    async (req, reply) => {
      const p = req.body.policy;
      const info = await delegates.sessions.create(
        req.params.key,
        {
          messagePrefix: hexToBytes(p.messagePrefix, "body.policy.messagePrefix"),
          maxUses: p.maxUses,
          expiresAt: timestampMs(p.expiresAt),
        },
        (req.body.actions ?? []).map((a, i) => ({
          fireAt: timestampMs(a.fireAt),
          message: hexToBytes(a.message, `body.actions[${i}].message`),
        })),
        actorOf(req),
      );
      return reply.code(201).send(info);
    },
  );
};
