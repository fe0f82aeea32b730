// POST /v1/river/validate-state: Run a contract build's validate_state (e.g. River's room contract) in the WASM sandbox; its verdict
import { riverValidateState } from "../../../service/river.js";
import { decodeBytes } from "../../encoding.js";
import type { RouteModule } from "../../route-kit.js";
import { encodingEnum } from "../../schemas.js";
import { bytesText } from "./shared.js";

/** Registers `POST /v1/river/validate-state`. */
export const riverValidateStateRoute: RouteModule = (app) => {
  app.post(
    "/v1/river/validate-state",
    {
      config: { scope: "rooms:read" },
      schema: {
        summary:
          "Run a contract build's validate_state (e.g. River's room contract) in the WASM sandbox; its verdict",
        tags: ["rooms"],
        operationId: "riverValidateState",
        body: {
          type: "object",
          required: ["contract", "parameters", "state"],
          additionalProperties: false,
          properties: {
            contract: bytesText,
            parameters: bytesText,
            state: bytesText,
            encoding: { ...encodingEnum, enum: ["base64url", "hex"] },
          },
        },
        response: {
          200: {
            type: "object",
            required: ["valid", "verdict"],
            properties: {
              valid: { type: "boolean" },
              verdict: { type: "string" },
              reason: { type: "string" },
            },
          },
        },
      },
    },
    async (req) => {
      const enc = req.body.encoding ?? "base64url";
      return riverValidateState(
        decodeBytes(req.body.contract, enc, "contract"),
        decodeBytes(req.body.parameters, enc, "parameters"),
        decodeBytes(req.body.state, enc, "state"),
      );
    },
  );
};
