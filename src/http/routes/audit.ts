// /v1/audit/verify: checks the whole hash chain and MACs of the audit log.
import type { RouteModule } from "../route-kit.js";

/** Registers the audit routes. */
export const auditRoutes: RouteModule = (app, kw) => {
  app.get(
    "/v1/audit/verify",
    {
      config: { scope: "audit:read" },
      schema: {
        summary: "Verify the audit log (hash chain and MACs)",
        tags: ["audit"],
        operationId: "verifyAudit",
        response: {
          200: {
            type: "object",
            required: ["ok", "entries"],
            properties: {
              ok: { type: "boolean" },
              entries: { type: "integer" },
              firstBadSeq: { type: "integer" },
              reason: { type: "string" },
            },
          },
        },
      },
    },
    async () => kw.audit.verify(),
  );
};
