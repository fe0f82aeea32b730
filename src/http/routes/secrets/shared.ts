// Schemas shared by the /v1/secrets routes: the secret name parameter.
export const nameParams = {
  type: "object",
  required: ["name"],
  properties: { name: { type: "string", minLength: 1, maxLength: 512, pattern: "^[^\\u0000]+$" } },
} as const;
