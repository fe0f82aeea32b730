// POST /v1/cosigners/:id/aggregate: aggregate final BIP-340 signatures (each verified under the aggregate key).
import { actorOf } from "../../auth.js";
import type { RouteModule } from "../../route-kit.js";
import { looseObject } from "../../schemas.js";
import { bytesRows, idParams, signedRoundBody } from "./shared.js";

/** Registers `POST /v1/cosigners/:id/aggregate`. */
export const cosignerAggregate: RouteModule = (app, kw) => {
  const delegates = kw.delegates;
  app.post(
    "/v1/cosigners/:id/aggregate",
    {
      config: { scope: "delegates:write" },
      schema: {
        summary: "Aggregate final BIP-340 signatures (each verified under the aggregate key)",
        tags: ["delegates"],
        operationId: "cosignerAggregate",
        params: idParams,
        body: signedRoundBody("per message: the other signers' partial signatures", {}),
        response: {
          200: looseObject("round, aggregateKey, signatures (one 64-byte hex BIP-340 signature per message)"),
        },
      },
    },
    async (req) =>
      delegates.cosigners.aggregate(
        req.params.id,
        req.body.round,
        bytesRows(req.body.partialSigs, "body.partialSigs"),
        actorOf(req),
      ),
  );
};
