// POST /v1/rooms/import: Verify and merge another replica's export (set union; conflicts reported)
import { actorOf } from "../../auth.js";
import type { RouteModule } from "../../route-kit.js";
import { looseObject } from "../../schemas.js";
import { exportBody } from "./shared.js";

/** Registers `POST /v1/rooms/import`. */
export const importRoom: RouteModule = (app, kw) => {
  const rooms = kw.rooms;
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
      rooms.import(req.body.export, req.body.name !== undefined ? { name: req.body.name } : {}, actorOf(req)),
  );
};
