// POST /v1/apps: register an app by name and Ed25519 public key.
import { hexToBytes } from "../../../service/primitives.js";
import { actorOf } from "../../auth.js";
import type { RouteModule } from "../../route-kit.js";
import { hex32, shortName } from "../../schemas.js";
import { appInfo } from "./shared.js";

/** Registers `POST /v1/apps`. */
export const registerApp: RouteModule = (app, kw) => {
  const delegates = kw.delegates;
  app.post(
    "/v1/apps",
    {
      config: { scope: "delegates:write" },
      schema: {
        summary: "Register an app by name and Ed25519 public key",
        tags: ["delegates"],
        operationId: "registerApp",
        body: {
          type: "object",
          required: ["name", "publicKey"],
          additionalProperties: false,
          properties: { name: shortName, publicKey: hex32 },
        },
        response: { 201: appInfo },
      },
    },
    async (req, reply) =>
      reply
        .code(201)
        .send(
          await delegates.apps.register(
            req.body.name,
            hexToBytes(req.body.publicKey, "body.publicKey", 32),
            actorOf(req),
          ),
        ),
  );
};
