// /v1/delegations checkpoints and proofs: sign a checkpoint, prove one key's history, verify a proof offline.
import type { FastifyInstance } from "fastify";
import { normalizeId } from "../../service/delegation-inputs.js";
import { DelegationsService } from "../../service/delegations.js";
import { looseObject, position } from "../schemas.js";
import { idQuery } from "./delegations.js";

/** Registers the delegation checkpoint, proof and verification routes (unpartitioned). */
export function delegationProofRoutes(app: FastifyInstance, service: DelegationsService): void {
  app.post(
    "/v1/delegations/checkpoint",
    {
      config: { scope: "delegations:write" },
      schema: {
        summary:
          "Sign and store a checkpoint (Merkle root over every key's history) at the current log position",
        tags: ["delegations"],
        operationId: "delegationCheckpoint",
        response: { 200: looseObject("version, seq, size, root, signature, publicKey") },
      },
    },
    async (req) => service.checkpoint((m) => req.log.warn(m)),
  );

  app.get<{ Querystring: { delegator: string; provider: string; scope: string } }>(
    "/v1/delegations/proof",
    {
      config: { scope: "delegations:read" },
      schema: {
        summary:
          "Proof of one key's full history, or of its absence, against the newest checkpoint (verifiable with no database)",
        tags: ["delegations"],
        operationId: "delegationProof",
        querystring: {
          type: "object",
          required: ["delegator", "provider", "scope"],
          additionalProperties: false,
          properties: { delegator: idQuery, provider: idQuery, scope: idQuery },
        },
        response: { 200: looseObject("checkpoint, proof") },
      },
    },
    async (req) => {
      const q = req.query;
      return service.prove(
        normalizeId(q.delegator, "delegator"),
        normalizeId(q.provider, "provider"),
        normalizeId(q.scope, "scope"),
      );
    },
  );

  app.post<{ Body: { proof: unknown; checkpoint: unknown; publicKey: string; at: number } }>(
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
}
