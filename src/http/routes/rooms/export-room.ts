// GET /v1/rooms/:room/export: Canonical export of a room's signed records (identical bytes on every replica with the same state)
import type { FastifyRequest } from "fastify";
import { principalOf } from "../../auth.js";
import { roomPartitionOf } from "../../room-partition.js";
import type { RouteModule } from "../../route-kit.js";
import { roomParams } from "./shared.js";

/** Registers `GET /v1/rooms/:room/export`. */
export const exportRoom: RouteModule = (app, kw) => {
  const rooms = kw.rooms;
  // Custody key loans for room writes name the request's token in the audit log.
  const _as = (req: FastifyRequest) => rooms.as(`token:${principalOf(req).id}`);
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
