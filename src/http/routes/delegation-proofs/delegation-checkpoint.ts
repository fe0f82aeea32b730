// POST /v1/delegations/checkpoint: sign and store a checkpoint (Merkle root over every key's history) at the …
import type { RouteModule } from "../../route-kit.js";
import { looseObject } from "../../schemas.js";

/** Registers `POST /v1/delegations/checkpoint`. */
export const delegationCheckpoint: RouteModule = (app, kw) => {
  const service = kw.delegations;
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
};
