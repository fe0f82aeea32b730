// GET /v1/delegates/:key/secrets/:name: reveal a delegate secret.
import { KeywardError } from "../../../errors/keyward-error.js";
import { encodeBytes } from "../../encoding.js";
import type { RouteModule } from "../../route-kit.js";
import { encodingEnum, secretRevealSchema } from "../../schemas.js";
import { secretParams } from "./shared.js";

/** Registers `GET /v1/delegates/:key/secrets/:name`. */
export const getDelegateSecret: RouteModule = (app, kw) => {
  const delegates = kw.delegates;
  app.get(
    "/v1/delegates/:key/secrets/:name",
    {
      config: { scope: "delegates:secrets" },
      schema: {
        summary: "Reveal a delegate secret",
        tags: ["delegates"],
        operationId: "getDelegateSecret",
        params: secretParams,
        querystring: { type: "object", properties: { encoding: encodingEnum } },
        response: { 200: secretRevealSchema },
      },
    },
    async (req) => {
      const secret = await delegates.secrets.get(req.params.key, req.params.name);
      if (!secret) throw new KeywardError("not_found", "the delegate has no secret with that name");
      const encoding = req.query.encoding ?? "base64url";
      try {
        return { name: req.params.name, value: secret.use((b) => encodeBytes(b, encoding)), encoding };
      } finally {
        secret.wipe();
      }
    },
  );
};
