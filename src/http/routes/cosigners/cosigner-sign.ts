// POST /v1/cosigners/:id/sign: round 2: partial signatures; the round's secret nonces are destroyed in the same …
import { KeywardError } from "../../../errors/keyward-error.js";
import { hexToBytes } from "../../../service/primitives.js";
import { actorOf } from "../../auth.js";
import type { RouteModule } from "../../route-kit.js";
import { looseObject } from "../../schemas.js";
import { bytesRows, hexOf, idParams, perMessage, round, rowsOf } from "./shared.js";

/** Registers `POST /v1/cosigners/:id/sign`. */
export const cosignerSign: RouteModule = (app, kw) => {
  const delegates = kw.delegates;
  app.post(
    "/v1/cosigners/:id/sign",
    {
      config: { scope: "delegates:write" },
      schema: {
        summary:
          "Round 2: partial signatures; the round's secret nonces are destroyed in the same transaction",
        tags: ["delegates"],
        operationId: "cosignerSign",
        params: idParams,
        body: {
          type: "object",
          required: ["round"],
          additionalProperties: false,
          properties: {
            round,
            pubNonces: rowsOf(66, "per message: the other signers' public nonces (or every signer's)"),
            aggNonces: perMessage(hexOf(66), "per message: the aggregate nonce"),
          },
        },
        response: { 200: looseObject("round, partialSigs (one 32-byte hex partial signature per message)") },
      },
    },
    async (req) => {
      const { pubNonces, aggNonces } = req.body;
      if ((pubNonces === undefined) === (aggNonces === undefined))
        throw new KeywardError("invalid_input", "give exactly one of body.pubNonces or body.aggNonces");
      const input = aggNonces
        ? { aggNonces: aggNonces.map((a, i) => hexToBytes(a, `body.aggNonces[${i}]`)) }
        : { pubNonces: bytesRows(pubNonces!, "body.pubNonces") };
      return delegates.cosigners.sign(req.params.id, req.body.round, input, actorOf(req));
    },
  );
};
