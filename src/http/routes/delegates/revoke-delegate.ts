// POST /v1/delegates/:key/revoke: revoke a delegate version with a statement signed by the app's current key.
import { hexToBytes } from "../../../service/primitives.js";
import { actorOf } from "../../auth.js";
import type { RouteModule } from "../../route-kit.js";
import { delegateKeyParams, hex32 } from "../../schemas.js";
import { versionInfo } from "./shared.js";

/** Registers `POST /v1/delegates/:key/revoke`. */
export const revokeDelegate: RouteModule = (app, kw) => {
  const delegates = kw.delegates;
  app.post(
    "/v1/delegates/:key/revoke",
    {
      config: { scope: "delegates:write" },
      schema: {
        summary: "Revoke a delegate version with a statement signed by the app's current key",
        tags: ["delegates"],
        operationId: "revokeDelegate",
        params: delegateKeyParams,
        body: {
          type: "object",
          required: ["reason", "appKey", "signature"],
          additionalProperties: false,
          properties: {
            reason: { type: "string", maxLength: 200 },
            appKey: hex32,
            signature: { type: "string", pattern: "^[0-9a-fA-F]{128}$" },
          },
        },
        response: { 200: versionInfo },
      },
    },
    async (req) =>
      delegates.versions.revoke(
        req.params.key,
        req.body.reason,
        hexToBytes(req.body.appKey, "body.appKey", 32),
        hexToBytes(req.body.signature, "body.signature", 64),
        actorOf(req),
      ),
  );
};
