// POST /v1/rooms/verify: Verify an export's signatures and version sequence (no state change)
import { verifyRoomExport } from "../../../service/rooms.js";
import type { RouteModule } from "../../route-kit.js";
import { looseObject } from "../../schemas.js";
import { exportBody } from "./shared.js";

/** Registers `POST /v1/rooms/verify`. */
export const verifyRoom: RouteModule = (app) => {
  app.post(
    "/v1/rooms/verify",
    {
      config: { scope: "rooms:read" },
      schema: {
        summary: "Verify an export's signatures and version sequence (no state change)",
        tags: ["rooms"],
        operationId: "verifyRoom",
        body: {
          type: "object",
          required: ["export"],
          additionalProperties: false,
          properties: { export: exportBody.properties.export },
        },
        response: { 200: looseObject("valid, room, problems, canonical") },
      },
    },
    async (req) => verifyRoomExport(req.body.export),
  );
};
