// /v1/audit/verify: checks the whole hash chain and MACs of the audit log.
import type { FastifyInstance } from "fastify";
import type { Keyward } from "../../service/keyward.js";

/** Registers the audit routes. */
export function auditRoutes(app: FastifyInstance, kw: Keyward): void {
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
}
