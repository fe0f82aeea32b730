// POST /v1/rooms/river/import: Import a River ChatRoomStateV1 into the local room of the same owner: every signature checked, derived versions re-signed, the rest kept verbatim

import { actorOf } from "../../auth.js";
import { decodeBytes } from "../../encoding.js";
import type { RouteModule } from "../../route-kit.js";
import { looseObject } from "../../schemas.js";
import { roomParams } from "../rooms/shared.js";
import { bytesText } from "./shared.js";

/** Registers `POST /v1/rooms/river/import`. */
export const importRoomRiver: RouteModule = (app, kw) => {
  const river = kw.river;
  app.post(
    "/v1/rooms/river/import",
    {
      config: { scope: "rooms:write" },
      schema: {
        summary:
          "Import a River ChatRoomStateV1 into the local room of the same owner: every signature checked, derived versions re-signed, the rest kept verbatim",
        tags: ["rooms"],
        operationId: "importRoomRiver",
        body: {
          type: "object",
          required: ["state"],
          additionalProperties: false,
          properties: {
            state: bytesText,
            parameters: bytesText,
            room: roomParams.properties.room,
            encoding: { type: "string", enum: ["base64url", "hex"] },
          },
        },
        response: {
          200: looseObject("room, version, imported, foreignVersions, foreignBans, added, rotatedTo"),
        },
      },
    },
    async (req) => {
      const enc = req.body.encoding ?? "base64url";
      const state = decodeBytes(req.body.state, enc, "state");
      const parameters =
        req.body.parameters !== undefined ? decodeBytes(req.body.parameters, enc, "parameters") : undefined;
      return river.import(
        state,
        {
          ...(parameters ? { parameters } : {}),
          ...(req.body.room !== undefined ? { room: req.body.room } : {}),
        },
        actorOf(req),
      );
    },
  );
};
