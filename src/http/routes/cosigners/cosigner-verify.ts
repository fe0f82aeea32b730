// POST /v1/cosigners/:id/verify: verify the other signers' partial signatures of a signed round.
import type { RouteModule } from "../../route-kit.js";
import { looseObject } from "../../schemas.js";
import { bytesRows, idParams, rowsOf, signedRoundBody } from "./shared.js";

/** Registers `POST /v1/cosigners/:id/verify`. */
export const cosignerVerify: RouteModule = (app, kw) => {
  const delegates = kw.delegates;
  app.post(
    "/v1/cosigners/:id/verify",
    {
      config: { scope: "delegates:read" },
      schema: {
        summary: "Verify the other signers' partial signatures of a signed round",
        tags: ["delegates"],
        operationId: "cosignerVerify",
        params: idParams,
        body: signedRoundBody("per message: the other signers' partial signatures (or every signer's)", {
          pubNonces: rowsOf(66, "every signer's public nonces, when round 2 got aggregate nonces"),
        }),
        response: { 200: looseObject("valid (per message), invalid ({message, signer} pairs)") },
      },
    },
    async (req) =>
      delegates.cosigners.verify(
        req.params.id,
        req.body.round,
        bytesRows(req.body.partialSigs, "body.partialSigs"),
        req.body.pubNonces ? bytesRows(req.body.pubNonces, "body.pubNonces") : undefined,
      ),
  );
};
