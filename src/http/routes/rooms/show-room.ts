// GET /v1/rooms/:room: Show a room: current version, members, removals
import { roomPartitionOf } from "../../room-partition.js";
import type { RouteModule } from "../../route-kit.js";
import { looseObject } from "../../schemas.js";
import { roomParams } from "./shared.js";

/** Registers `GET /v1/rooms/:room`. */
export const showRoom: RouteModule = (app, kw) => {
  const rooms = kw.rooms;
  const roomPartition = roomPartitionOf(rooms);
  app.get(
    "/v1/rooms/:room",
    {
      config: { scope: "rooms:read", partition: roomPartition },
      schema: {
        summary: "Show a room: current version, members, removals",
        tags: ["rooms"],
        operationId: "showRoom",
        params: roomParams,
        response: { 200: looseObject("room summary") },
      },
    },
    async (req) => rooms.show(req.params.room),
  );
};
