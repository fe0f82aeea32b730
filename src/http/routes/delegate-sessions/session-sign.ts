// POST /v1/sessions/:id/sign: sign a message now under the session's policy (one use).
import { bytesToHex, hexToBytes } from "../../../service/primitives.js";
import type { RouteModule } from "../../route-kit.js";
import { hexString } from "../../schemas.js";
import { sessionParams } from "./shared.js";

/** Registers `POST /v1/sessions/:id/sign`. */
export const sessionSign: RouteModule = (app, kw) => {
  const delegates = kw.delegates;
  app.post(
    "/v1/sessions/:id/sign",
    {
      config: { scope: "delegates:write" },
      schema: {
        summary: "Sign a message now under the session's policy (one use)",
        tags: ["delegates"],
        operationId: "sessionSign",
        params: sessionParams,
        body: {
          type: "object",
          required: ["message"],
          additionalProperties: false,
          properties: { message: { ...hexString, maxLength: 131_072 } },
        },
        response: {
          200: { type: "object", required: ["signature"], properties: { signature: { type: "string" } } },
        },
      },
    },
    async (req) => ({
      signature: bytesToHex(
        await delegates.sessions.sign(req.params.id, hexToBytes(req.body.message, "body.message")),
      ),
    }),
  );
};
