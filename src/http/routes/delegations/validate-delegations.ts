// POST /v1/delegations/validate: Validate rows (text/csv with header delegator,provider,scope,at, or application/x-ndjson);
import { Readable } from "node:stream";
import type { RouteModule } from "../../route-kit.js";
import { once, rawBody } from "./shared.js";

/** Registers `POST /v1/delegations/validate`. */
export const validateDelegations: RouteModule = (app, kw) => {
  const service = kw.delegations;
  app.post(
    "/v1/delegations/validate",
    {
      config: { scope: "delegations:read" },
      schema: {
        summary:
          "Validate rows (text/csv with header delegator,provider,scope,at, or application/x-ndjson); " +
          "?verdicts=true streams one verdict per row as NDJSON, then the summary",
        tags: ["delegations"],
        operationId: "validateDelegations",
        querystring: {
          type: "object",
          additionalProperties: false,
          properties: { verdicts: { type: "boolean" } },
        },
        response: {
          200: {
            type: "object",
            required: ["rows", "authorized", "unauthorized", "invalid"],
            properties: {
              rows: { type: "integer" },
              authorized: { type: "integer" },
              unauthorized: { type: "integer" },
              invalid: { type: "integer" },
            },
          },
        },
      },
    },
    async (req, reply) => {
      const bytes = rawBody(req.body);
      const format = req.headers["content-type"]?.startsWith("text/csv") ? "csv" : "ndjson";
      if (!req.query.verdicts) return service.validate(once(bytes), { format });
      const chunks: string[] = [];
      const summary = await service.validate(once(bytes), {
        format,
        write: (c) => void chunks.push(c),
      });
      chunks.push(`${JSON.stringify({ summary })}\n`);
      return reply.type("application/x-ndjson").send(Readable.from(chunks));
    },
  );
};
