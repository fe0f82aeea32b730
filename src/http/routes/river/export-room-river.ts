// GET /v1/rooms/:room/river: The room as River's ChatRoomStateV1 and ChatRoomParametersV1 (ciborium CBOR, re-signed with the owner key; identical on every replica)

import { actorOf } from "../../auth.js";
import { encodeBytes } from "../../encoding.js";
import { roomPartitionOf } from "../../room-partition.js";
import type { RouteModule } from "../../route-kit.js";
import { looseObject } from "../../schemas.js";
import { roomParams } from "../rooms/shared.js";

/** Registers `GET /v1/rooms/:room/river`. */
export const exportRoomRiver: RouteModule = (app, kw) => {
  const rooms = kw.rooms;
  const river = kw.river;
  const roomPartition = roomPartitionOf(rooms);
  app.get(
    "/v1/rooms/:room/river",
    {
      config: { scope: "rooms:read", partition: roomPartition },
      schema: {
        summary:
          "The room as River's ChatRoomStateV1 and ChatRoomParametersV1 (ciborium CBOR, re-signed with the owner key; identical on every replica)",
        tags: ["rooms"],
        operationId: "exportRoomRiver",
        params: roomParams,
        querystring: {
          type: "object",
          additionalProperties: false,
          properties: { encoding: { type: "string", enum: ["base64url", "hex"] } },
        },
        response: { 200: looseObject("room, version, state, parameters, encoding") },
      },
    },
    async (req) => {
      const encoding = req.query.encoding ?? "base64url";
      const r = await river.export(req.params.room, actorOf(req));
      return {
        room: r.room,
        version: r.version,
        encoding,
        state: encodeBytes(r.state, encoding),
        parameters: encodeBytes(r.parameters, encoding),
      };
    },
  );
};
