// POST /v1/delegations/grant: grant scopes from `at` (optionally until `expiresAt`); an applied id is a no-op.
import type { RouteModule } from "../../route-kit.js";
import { grantBody, outcome } from "./shared.js";

/** Registers `POST /v1/delegations/grant`. */
export const grantDelegation: RouteModule = (app, kw) => {
  const service = kw.delegations;
  app.post(
    "/v1/delegations/grant",
    {
      config: { scope: "delegations:write" },
      schema: {
        summary: "Grant scopes from `at` (optionally until `expiresAt`); an applied id is a no-op",
        tags: ["delegations"],
        operationId: "grantDelegation",
        body: grantBody,
        response: { 200: outcome },
      },
    },
    async (req) => (await service.write([{ op: "grant", ...req.body }]))[0],
  );
};
