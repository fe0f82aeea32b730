// POST /v1/rooms: Create a room owned by a custody identity (owner) or a raw Ed25519 seed (ownerSeed, stored sealed)
import { hexToBytes } from "../../../service/primitives.js";
import { actorOf } from "../../auth.js";
import type { RouteModule } from "../../route-kit.js";
import { hex32, identitySchema, labelSchema, looseObject, partitionName, shortName } from "../../schemas.js";

/** Registers `POST /v1/rooms`. */
export const createRoom: RouteModule = (app, kw) => {
  const rooms = kw.rooms;
  app.post(
    "/v1/rooms",
    {
      config: {
        scope: "rooms:write",
        partition: (req) => (req.body as { owner?: { partition?: string } }).owner?.partition,
      },
      schema: {
        summary:
          "Create a room owned by a custody identity (owner) or a raw Ed25519 seed (ownerSeed, stored sealed)",
        tags: ["rooms"],
        operationId: "createRoom",
        body: {
          type: "object",
          additionalProperties: false,
          properties: {
            name: shortName,
            ownerSeed: { ...hex32, description: "raw owner seed (64 hex); prefer a custody owner" },
            owner: {
              type: "object",
              required: ["partition", "identity"],
              additionalProperties: false,
              properties: {
                partition: partitionName,
                identity: identitySchema,
                label: labelSchema,
              },
            },
          },
        },
        response: { 201: looseObject("room, ownerPublicKey, version") },
      },
    },
    async (req, reply) => {
      const seed =
        req.body.ownerSeed !== undefined ? hexToBytes(req.body.ownerSeed, "body.ownerSeed", 32) : undefined;
      try {
        const created = await rooms.create(
          {
            ...(req.body.name !== undefined ? { name: req.body.name } : {}),
            ...(seed ? { ownerSeed: seed } : {}),
            ...(req.body.owner ? { custody: req.body.owner } : {}),
          },
          actorOf(req),
        );
        return reply.code(201).send(created);
      } finally {
        seed?.fill(0);
      }
    },
  );
};
