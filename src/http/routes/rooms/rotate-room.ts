// POST /v1/rooms/:room/rotate: Rotate to version + 1 (same members, new secret)
import { actorOf } from "../../auth.js";
import { roomPartitionOf } from "../../room-partition.js";
import type { RouteModule } from "../../route-kit.js";
import { roomParams, versionResult } from "./shared.js";

/** Registers `POST /v1/rooms/:room/rotate`. */
export const rotateRoom: RouteModule = (app, kw) => {
  const rooms = kw.rooms;
  const roomPartition = roomPartitionOf(rooms);
  app.post(
    "/v1/rooms/:room/rotate",
    {
      config: { scope: "rooms:write", partition: roomPartition },
      schema: {
        summary: "Rotate to version + 1 (same members, new secret)",
        tags: ["rooms"],
        operationId: "rotateRoom",
        params: roomParams,
        response: { 200: versionResult },
      },
    },
    async (req) => rooms.rotate(req.params.room, actorOf(req)),
  );
};
