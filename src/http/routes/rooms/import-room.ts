// POST /v1/rooms/import: Verify and merge another replica's export (set union; conflicts reported)
import type { FastifyRequest } from "fastify";
import { principalOf } from "../../auth.js";
import { roomPartitionOf } from "../../room-partition.js";
import type { RouteModule } from "../../route-kit.js";
import { looseObject } from "../../schemas.js";
import { exportBody } from "./shared.js";

/** Registers `POST /v1/rooms/import`. */
export const importRoom: RouteModule = (app, kw) => {
  const rooms = kw.rooms;
  // Custody key loans for room writes name the request's token in the audit log.
  const as = (req: FastifyRequest) => rooms.as(`token:${principalOf(req).id}`);
  const _roomPartition = roomPartitionOf(rooms);
  app.post(
    "/v1/rooms/import",
    {
      config: { scope: "rooms:write" },
      schema: {
        summary: "Verify and merge another replica's export (set union; conflicts reported)",
        tags: ["rooms"],
        operationId: "importRoom",
        body: exportBody,
        response: { 200: looseObject("room, version, verification, merge, rotatedTo") },
      },
    },
    async (req) =>
      as(req).import(req.body.export, req.body.name !== undefined ? { name: req.body.name } : {}),
  );
};
