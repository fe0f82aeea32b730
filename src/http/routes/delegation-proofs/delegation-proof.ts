// GET /v1/delegations/proof: proof of one key's full history, or of its absence, against the newest checkpoint …
import { normalizeId } from "../../../service/delegation-inputs.js";
import type { RouteModule } from "../../route-kit.js";
import { idQuery, looseObject } from "../../schemas.js";

/** Registers `GET /v1/delegations/proof`. */
export const delegationProof: RouteModule = (app, kw) => {
  const service = kw.delegations;
  app.get(
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
};
