// Schemas and helpers shared by the routes of /v1/rooms/…/river and /v1/river (room parameters: ../rooms/shared.ts).

export const MAX_TEXT = 16 * 1024 * 1024;
export const bytesText = { type: "string", minLength: 0, maxLength: MAX_TEXT } as const;
