// GET /v1/rooms/:room/export: Canonical export of a room's signed records (identical bytes on every replica with the same state)
import { roomPartitionOf } from "../../room-partition.js";
import type { RouteModule } from "../../route-kit.js";
import { roomParams } from "./shared.js";

/** Registers `GET /v1/rooms/:room/export`. */
export const exportRoom: RouteModule = (app, kw) => {
  const rooms = kw.rooms;
  const roomPartition = roomPartitionOf(rooms);
  app.get(
    "/v1/rooms/:room/export",
    {
      config: { scope: "rooms:read", partition: roomPartition },
      schema: {
        summary:
          "Canonical export of a room's signed records (identical bytes on every replica with the same state)",
        tags: ["rooms"],
        operationId: "exportRoom",
        params: roomParams,
        response: {
          200: { type: "object", required: ["export"], properties: { export: { type: "string" } } },
        },
      },
    },
    async (req) => ({ export: await rooms.export(req.params.room) }),
  );
};
