// Schemas and helpers shared by the routes of /v1/rooms/…/river and /v1/river.

export const MAX_TEXT = 16 * 1024 * 1024;
export const bytesText = { type: "string", minLength: 0, maxLength: MAX_TEXT } as const;
export const roomParams = {
  type: "object",
  required: ["room"],
  properties: {
    room: { type: "string", minLength: 1, maxLength: 200, description: "room id (64 hex) or local name" },
  },
} as const;
