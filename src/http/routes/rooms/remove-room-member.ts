// DELETE /v1/rooms/:room/members/:member: Remove (ban) a member: rotates to version + 1 without them
import { actorOf } from "../../auth.js";
import { roomPartitionOf } from "../../room-partition.js";
import type { RouteModule } from "../../route-kit.js";
import { memberParams, versionResult } from "./shared.js";

/** Registers `DELETE /v1/rooms/:room/members/:member`. */
export const removeRoomMember: RouteModule = (app, kw) => {
  const rooms = kw.rooms;
  const roomPartition = roomPartitionOf(rooms);
  app.delete(
    "/v1/rooms/:room/members/:member",
    {
      config: { scope: "rooms:write", partition: roomPartition },
      schema: {
        summary: "Remove (ban) a member: rotates to version + 1 without them",
        tags: ["rooms"],
        operationId: "removeRoomMember",
        params: memberParams,
        response: { 200: versionResult },
      },
    },
    // A refused removal leaves no trace: rooms check before custody lends the owner key.
    async (req) => rooms.remove(req.params.room, req.params.member.toLowerCase(), actorOf(req)),
  );
};
