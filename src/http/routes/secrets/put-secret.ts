// PUT /v1/secrets/:name: store a secret (sealed at rest); overwrites.
import { USER_SECRET_NAMESPACE } from "../../../service/keyward.js";
import { Secret } from "../../../service/primitives.js";
import { decodeBytes } from "../../encoding.js";
import type { RouteModule } from "../../route-kit.js";
import { secretStoredSchema, secretValueBody } from "../../schemas.js";
import { nameParams } from "./shared.js";

/** Registers `PUT /v1/secrets/:name`. */
export const putSecret: RouteModule = (app, kw) => {
  const ns = USER_SECRET_NAMESPACE;
  app.put(
    "/v1/secrets/:name",
    {
      config: { scope: "secrets:write" },
      schema: {
        summary: "Store a secret (sealed at rest); overwrites",
        tags: ["secrets"],
        operationId: "putSecret",
        params: nameParams,
        body: secretValueBody,
        response: { 200: secretStoredSchema },
      },
    },
    async (req) => {
      const bytes = decodeBytes(req.body.value, req.body.encoding ?? "base64url", "body.value");
      const secret = Secret.adopt(bytes);
      try {
        await kw.storage.secrets.put(ns, req.params.name, secret);
        return { name: req.params.name, bytes: secret.length };
      } finally {
        secret.wipe();
      }
    },
  );
};
