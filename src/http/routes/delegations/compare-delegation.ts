// GET /v1/delegations/compare: the exact answer next to what a compact granted_at/revoked_at view would say (seed …
import type { RouteModule } from "../../route-kit.js";
import { looseObject } from "../../schemas.js";
import { checkQuery } from "./shared.js";

/** Registers `GET /v1/delegations/compare`. */
export const compareDelegation: RouteModule = (app, kw) => {
  const service = kw.delegations;
  app.get(
    "/v1/delegations/compare",
    {
      config: { scope: "delegations:read" },
      schema: {
        summary: "The exact answer next to what a compact granted_at/revoked_at view would say (seed 003)",
        tags: ["delegations"],
        operationId: "compareDelegation",
        querystring: checkQuery,
        response: { 200: looseObject("exact, compact {grantedAt, revokedAt, verdict}, differs") },
      },
    },
    async (req) => service.compare(req.query.delegator, req.query.provider, req.query.scope, req.query.at),
  );
};
