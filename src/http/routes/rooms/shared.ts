// Schemas shared by the /v1/rooms routes: room and member parameters, the export body, version results.
import { hex32, looseObject, shortName } from "../../schemas.js";

export const roomParams = {
  type: "object",
  required: ["room"],
  properties: {
    room: { type: "string", minLength: 1, maxLength: 200, description: "room id (64 hex) or local name" },
  },
} as const;
export const memberParams = {
  type: "object",
  required: ["room", "member"],
  properties: { room: roomParams.properties.room, member: hex32 },
} as const;
export const exportBody = {
  type: "object",
  required: ["export"],
  additionalProperties: false,
  properties: { export: { type: "string", minLength: 2, maxLength: 8 * 1024 * 1024 }, name: shortName },
} as const;
export const versionResult = looseObject("room, version");
