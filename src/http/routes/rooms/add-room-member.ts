// POST /v1/rooms/:room/members: Add a member (Ed25519 verifying key) at the current version
import { actorOf } from "../../auth.js";
import { roomPartitionOf } from "../../room-partition.js";
import type { RouteModule } from "../../route-kit.js";
import { hex32, looseObject } from "../../schemas.js";
import { roomParams } from "./shared.js";

/** Registers `POST /v1/rooms/:room/members`. */
export const addRoomMember: RouteModule = (app, kw) => {
  const rooms = kw.rooms;
  const roomPartition = roomPartitionOf(rooms);
  app.post(
    "/v1/rooms/:room/members",
    {
      config: { scope: "rooms:write", partition: roomPartition },
      schema: {
        summary: "Add a member (Ed25519 verifying key) at the current version",
        tags: ["rooms"],
        operationId: "addRoomMember",
        params: roomParams,
        body: {
          type: "object",
          required: ["member"],
          additionalProperties: false,
          properties: { member: hex32 },
        },
        response: { 200: looseObject("room, version, added") },
      },
    },
    async (req) => rooms.add(req.params.room, req.body.member.toLowerCase(), actorOf(req)),
  );
};
