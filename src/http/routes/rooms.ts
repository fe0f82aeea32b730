// /v1/rooms: deterministic versioned group secrets (create, members, rotate, show, export/import, verify).

import type { FastifyInstance, FastifyRequest } from "fastify";
import { hexToBytes } from "../../service/primitives.js";
import { type RoomsService, verifyRoomExport } from "../../service/rooms.js";
import { principalOf } from "../auth.js";
import { roomPartitionOf } from "../room-partition.js";
import { hex32, looseObject, partitionName, shortName } from "../schemas.js";

const roomParams = {
  type: "object",
  required: ["room"],
  properties: {
    room: { type: "string", minLength: 1, maxLength: 200, description: "room id (64 hex) or local name" },
  },
} as const;
const memberParams = {
  type: "object",
  required: ["room", "member"],
  properties: { room: roomParams.properties.room, member: hex32 },
} as const;
const exportBody = {
  type: "object",
  required: ["export"],
  additionalProperties: false,
  properties: { export: { type: "string", minLength: 2, maxLength: 8 * 1024 * 1024 }, name: shortName },
} as const;
const versionResult = looseObject("room, version");

/**
 * Registers the rooms routes. A room owned by a custody identity belongs to that identity's partition:
 * partition-bound tokens may only touch rooms of their partition; raw-seed rooms are unpartitioned.
 */
export function roomRoutes(app: FastifyInstance, rooms: RoomsService): void {
  // Custody key loans for room writes name the request's token in the audit log.
  const as = (req: FastifyRequest) => rooms.as(`token:${principalOf(req).id}`);
  const roomPartition = roomPartitionOf(rooms);

  app.post<{
    Body: {
      name?: string;
      ownerSeed?: string;
      owner?: { partition: string; identity: string; label?: string };
    };
  }>(
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
                identity: { type: "string", minLength: 3, maxLength: 320 },
                label: { type: "string", maxLength: 128 },
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
        const created = await as(req).create({
          ...(req.body.name !== undefined ? { name: req.body.name } : {}),
          ...(seed ? { ownerSeed: seed } : {}),
          ...(req.body.owner ? { custody: req.body.owner } : {}),
        });
        return reply.code(201).send(created);
      } finally {
        seed?.fill(0);
      }
    },
  );

  app.get<{ Params: { room: string } }>(
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

  app.post<{ Params: { room: string }; Body: { member: string } }>(
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
    async (req) => as(req).add(req.params.room, req.body.member.toLowerCase()),
  );

  app.delete<{ Params: { room: string; member: string } }>(
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
    async (req) => as(req).remove(req.params.room, req.params.member.toLowerCase()),
  );

  app.post<{ Params: { room: string } }>(
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
    async (req) => as(req).rotate(req.params.room),
  );

  app.get<{ Params: { room: string } }>(
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

  app.post<{ Body: { export: string; name?: string } }>(
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

  app.post<{ Body: { export: string } }>(
    "/v1/rooms/verify",
    {
      config: { scope: "rooms:read" },
      schema: {
        summary: "Verify an export's signatures and version sequence (no state change)",
        tags: ["rooms"],
        operationId: "verifyRoom",
        body: {
          type: "object",
          required: ["export"],
          additionalProperties: false,
          properties: { export: exportBody.properties.export },
        },
        response: { 200: looseObject("valid, room, problems, canonical") },
      },
    },
    async (req) => verifyRoomExport(req.body.export),
  );
}
