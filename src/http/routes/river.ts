// /v1/rooms/…/river and /v1/river: rooms in River's wire format, and River's room contract as a judge.

import type { FastifyInstance, FastifyRequest } from "fastify";
import { riverValidateState } from "../../service/river.js";
import type { RiverRooms, RoomsService } from "../../service/rooms.js";
import { principalOf } from "../auth.js";
import { type ByteEncoding, decodeBytes, encodeBytes } from "../encoding.js";
import { roomPartitionOf } from "../room-partition.js";
import { encodingEnum, looseObject } from "../schemas.js";

const MAX_TEXT = 16 * 1024 * 1024;
const bytesText = { type: "string", minLength: 0, maxLength: MAX_TEXT } as const;
const roomParams = {
  type: "object",
  required: ["room"],
  properties: {
    room: { type: "string", minLength: 1, maxLength: 200, description: "room id (64 hex) or local name" },
  },
} as const;

/** Registers the River routes (state, parameters and contract bytes are base64url unless `encoding` says otherwise). */
export function riverRoutes(app: FastifyInstance, rooms: RoomsService, river: RiverRooms): void {
  const as = (req: FastifyRequest) => river.as(`token:${principalOf(req).id}`);
  const roomPartition = roomPartitionOf(rooms);

  app.get<{ Params: { room: string }; Querystring: { encoding?: ByteEncoding } }>(
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
      const r = await as(req).export(req.params.room);
      return {
        room: r.room,
        version: r.version,
        encoding,
        state: encodeBytes(r.state, encoding),
        parameters: encodeBytes(r.parameters, encoding),
      };
    },
  );

  app.post<{ Body: { state: string; parameters?: string; room?: string; encoding?: ByteEncoding } }>(
    "/v1/rooms/river/import",
    {
      config: { scope: "rooms:write" },
      schema: {
        summary:
          "Import a River ChatRoomStateV1 into the local room of the same owner: every signature checked, derived versions re-signed, the rest kept verbatim",
        tags: ["rooms"],
        operationId: "importRoomRiver",
        body: {
          type: "object",
          required: ["state"],
          additionalProperties: false,
          properties: {
            state: bytesText,
            parameters: bytesText,
            room: roomParams.properties.room,
            encoding: { type: "string", enum: ["base64url", "hex"] },
          },
        },
        response: {
          200: looseObject("room, version, imported, foreignVersions, foreignBans, added, rotatedTo"),
        },
      },
    },
    async (req) => {
      const enc = req.body.encoding ?? "base64url";
      const state = decodeBytes(req.body.state, enc, "state");
      const parameters =
        req.body.parameters !== undefined ? decodeBytes(req.body.parameters, enc, "parameters") : undefined;
      return as(req).import(state, {
        ...(parameters ? { parameters } : {}),
        ...(req.body.room !== undefined ? { room: req.body.room } : {}),
      });
    },
  );

  app.post<{ Body: { contract: string; parameters: string; state: string; encoding?: ByteEncoding } }>(
    "/v1/river/validate-state",
    {
      config: { scope: "rooms:read" },
      schema: {
        summary:
          "Run a contract build's validate_state (e.g. River's room contract) in the WASM sandbox; its verdict",
        tags: ["rooms"],
        operationId: "riverValidateState",
        body: {
          type: "object",
          required: ["contract", "parameters", "state"],
          additionalProperties: false,
          properties: {
            contract: bytesText,
            parameters: bytesText,
            state: bytesText,
            encoding: { ...encodingEnum, enum: ["base64url", "hex"] },
          },
        },
        response: {
          200: {
            type: "object",
            required: ["valid", "verdict"],
            properties: {
              valid: { type: "boolean" },
              verdict: { type: "string" },
              reason: { type: "string" },
            },
          },
        },
      },
    },
    async (req) => {
      const enc = req.body.encoding ?? "base64url";
      return riverValidateState(
        decodeBytes(req.body.contract, enc, "contract"),
        decodeBytes(req.body.parameters, enc, "parameters"),
        decodeBytes(req.body.state, enc, "state"),
      );
    },
  );
}
