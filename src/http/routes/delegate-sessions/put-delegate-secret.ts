// PUT /v1/delegates/:key/secrets/:name: store a secret in a delegate's namespace.
import { Secret } from "../../../service/primitives.js";
import { decodeBytes } from "../../encoding.js";
import type { RouteModule } from "../../route-kit.js";
import { secretStoredSchema, secretValueBody } from "../../schemas.js";
import { secretParams } from "./shared.js";

/** Registers `PUT /v1/delegates/:key/secrets/:name`. */
export const putDelegateSecret: RouteModule = (app, kw) => {
  const delegates = kw.delegates;
  app.put(
    "/v1/delegates/:key/secrets/:name",
    {
      config: { scope: "delegates:secrets" },
      schema: {
        summary: "Store a secret in a delegate's namespace",
        tags: ["delegates"],
        operationId: "putDelegateSecret",
        params: secretParams,
        body: secretValueBody,
        response: { 200: secretStoredSchema },
      },
    },
    async (req) => {
      const secret = Secret.adopt(
        decodeBytes(req.body.value, req.body.encoding ?? "base64url", "body.value"),
      );
      try {
        await delegates.secrets.put(req.params.key, req.params.name, secret);
        return { name: req.params.name, bytes: secret.length };
      } finally {
        secret.wipe();
      }
    },
  );
};
