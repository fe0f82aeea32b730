// POST /v1/delegations/verify: verify a proof against a checkpoint and a trusted public key at a position (no …
import { DelegationsService } from "../../../service/delegations.js";
import type { RouteModule } from "../../route-kit.js";
import { looseObject, position } from "../../schemas.js";

/** Registers `POST /v1/delegations/verify`. */
export const verifyDelegationProof: RouteModule = (app) => {
  app.post(
    "/v1/delegations/verify",
    {
      config: { scope: "delegations:read" },
      schema: {
        summary: "Verify a proof against a checkpoint and a trusted public key at a position (no state used)",
        tags: ["delegations"],
        operationId: "verifyDelegationProof",
        body: {
          type: "object",
          required: ["proof", "checkpoint", "publicKey", "at"],
          additionalProperties: false,
          properties: {
            proof: { type: "object" },
            checkpoint: { type: "object" },
            publicKey: { type: "string", pattern: "^[0-9a-fA-F]{64}$" },
            at: position,
          },
        },
        response: {
          200: {
            type: "object",
            required: ["valid"],
            properties: { valid: { type: "boolean" }, result: looseObject("authorized, interval, …") },
          },
        },
      },
    },
    async (req) => {
      const b = req.body;
      const result = await DelegationsService.verify(b.proof, b.checkpoint, b.publicKey, b.at);
      return result === false ? { valid: false } : { valid: true, result };
    },
  );
};
