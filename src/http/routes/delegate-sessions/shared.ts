// Schemas shared by the delegate secret and session routes: secret and session ids, scheduled actions, session info.
import { hex32, hexString, looseObject, timestamp } from "../../schemas.js";

export const secretParams = {
  type: "object",
  required: ["key", "name"],
  properties: {
    key: hex32,
    name: { type: "string", minLength: 1, maxLength: 256, pattern: "^[^\\u0000]+$" },
  },
} as const;
export const sessionParams = {
  type: "object",
  required: ["id"],
  properties: { id: { type: "string", minLength: 1, maxLength: 64 } },
} as const;
export const action = {
  type: "object",
  required: ["fireAt", "message"],
  additionalProperties: false,
  properties: { fireAt: timestamp, message: { ...hexString, maxLength: 131_072 } },
} as const;
export const sessionInfo = looseObject(
  "session: id, delegate, publicKey, policy, uses, pending and fired actions",
);
