// GET /v1/secrets/:name: reveal a secret's value.
import { KeywardError } from "../../../errors/keyward-error.js";
import { USER_SECRET_NAMESPACE } from "../../../service/keyward.js";
import { encodeBytes } from "../../encoding.js";
import type { RouteModule } from "../../route-kit.js";
import { encodingEnum, secretRevealSchema } from "../../schemas.js";
import { nameParams } from "./shared.js";

/** Registers `GET /v1/secrets/:name`. */
export const getSecret: RouteModule = (app, kw) => {
  const ns = USER_SECRET_NAMESPACE;
  app.get(
    "/v1/secrets/:name",
    {
      config: { scope: "secrets:read" },
      schema: {
        summary: "Reveal a secret's value",
        tags: ["secrets"],
        operationId: "getSecret",
        params: nameParams,
        querystring: { type: "object", properties: { encoding: encodingEnum } },
        response: { 200: secretRevealSchema },
      },
    },
    async (req) => {
      const secret = await kw.storage.secrets.get(ns, req.params.name);
      if (!secret) throw new KeywardError("not_found", "no secret with that name");
      const encoding = req.query.encoding ?? "base64url";
      try {
        return { name: req.params.name, value: secret.use((b) => encodeBytes(b, encoding)), encoding };
      } finally {
        secret.wipe();
      }
    },
  );
};
