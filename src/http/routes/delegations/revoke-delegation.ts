// POST /v1/delegations/revoke: revoke listed scopes (or the whole delegation without `scopes`) at `at`.
import type { RouteModule } from "../../route-kit.js";
import { outcome, revokeBody } from "./shared.js";

/** Registers `POST /v1/delegations/revoke`. */
export const revokeDelegation: RouteModule = (app, kw) => {
  const service = kw.delegations;
  app.post(
    "/v1/delegations/revoke",
    {
      config: { scope: "delegations:write" },
      schema: {
        summary: "Revoke listed scopes (or the whole delegation without `scopes`) at `at`",
        tags: ["delegations"],
        operationId: "revokeDelegation",
        body: revokeBody,
        response: { 200: outcome },
      },
    },
    async (req) => (await service.write([{ op: "revoke", ...req.body }]))[0],
  );
};
