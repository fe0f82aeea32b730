// POST /v1/cosigners/:id/nonce: round 1: the public nonces of the open round (a new round with fresh, or when …
import { actorOf } from "../../auth.js";
import type { RouteModule } from "../../route-kit.js";
import { looseObject } from "../../schemas.js";
import { idParams } from "./shared.js";

/** Registers `POST /v1/cosigners/:id/nonce`. */
export const cosignerNonce: RouteModule = (app, kw) => {
  const delegates = kw.delegates;
  app.post(
    "/v1/cosigners/:id/nonce",
    {
      config: { scope: "delegates:write" },
      schema: {
        summary:
          "Round 1: the public nonces of the open round (a new round with fresh, or when none is open)",
        tags: ["delegates"],
        operationId: "cosignerNonce",
        params: idParams,
        body: { type: "object", additionalProperties: false, properties: { fresh: { type: "boolean" } } },
        response: { 200: looseObject("round, pubNonces (one 66-byte hex nonce per message)") },
      },
    },
    async (req) =>
      delegates.cosigners.nonce(req.params.id, { fresh: req.body?.fresh === true }, actorOf(req)),
  );
};
