// POST /v1/rooms/verify: Verify an export's signatures and version sequence (no state change)
import type { FastifyRequest } from "fastify";
import { verifyRoomExport } from "../../../service/rooms.js";
import { principalOf } from "../../auth.js";
import { roomPartitionOf } from "../../room-partition.js";
import type { RouteModule } from "../../route-kit.js";
import { looseObject } from "../../schemas.js";
import { exportBody } from "./shared.js";

/** Registers `POST /v1/rooms/verify`. */
export const verifyRoom: RouteModule = (app, kw) => {
  const rooms = kw.rooms;
  // Custody key loans for room writes name the request's token in the audit log.
  const _as = (req: FastifyRequest) => rooms.as(`token:${principalOf(req).id}`);
  const _roomPartition = roomPartitionOf(rooms);
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
