// POST /v1/apps/:name/rotate-key: rotate an app's key with a statement signed by its current key.
import { hexToBytes } from "../../../service/primitives.js";
import { actorOf } from "../../auth.js";
import type { RouteModule } from "../../route-kit.js";
import { hex32 } from "../../schemas.js";
import { appInfo, appParams } from "./shared.js";

/** Registers `POST /v1/apps/:name/rotate-key`. */
export const rotateAppKey: RouteModule = (app, kw) => {
  const delegates = kw.delegates;
  app.post(
    "/v1/apps/:name/rotate-key",
    {
      config: { scope: "delegates:write" },
      schema: {
        summary: "Rotate an app's key with a statement signed by its current key",
        tags: ["delegates"],
        operationId: "rotateAppKey",
        params: appParams,
        body: {
          type: "object",
          required: ["sequence", "previousKey", "newKey", "signature"],
          additionalProperties: false,
          properties: {
            sequence: { type: "integer", minimum: 1, maximum: Number.MAX_SAFE_INTEGER },
            previousKey: hex32,
            newKey: hex32,
            signature: { type: "string", pattern: "^[0-9a-fA-F]{128}$" },
          },
        },
        response: { 200: appInfo },
      },
    },
    async (req) =>
      delegates.apps.rotateKey(
        {
          app: req.params.name,
          sequence: req.body.sequence,
          previousKey: hexToBytes(req.body.previousKey, "body.previousKey", 32),
          newKey: hexToBytes(req.body.newKey, "body.newKey", 32),
        },
        hexToBytes(req.body.signature, "body.signature", 64),
        actorOf(req),
      ),
  );
};
