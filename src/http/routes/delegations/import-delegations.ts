// POST /v1/delegations/import: import an NDJSON event file (application/x-ndjson): validated whole first, resumable.
import type { RouteModule } from "../../route-kit.js";
import { looseObject } from "../../schemas.js";
import { once, rawBody } from "./shared.js";

/** Registers `POST /v1/delegations/import`. */
export const importDelegations: RouteModule = (app, kw) => {
  const service = kw.delegations;
  app.post(
    "/v1/delegations/import",
    {
      config: { scope: "delegations:write" },
      schema: {
        summary: "Import an NDJSON event file (application/x-ndjson): validated whole first, resumable",
        tags: ["delegations"],
        operationId: "importDelegations",
        response: { 200: looseObject("lines, events, applied, duplicates, resumedAfterLine, fileHash") },
      },
    },
    // Through the service like the CLI's import: an index snapshot is written when one is due.
    async (req) => {
      const bytes = rawBody(req.body);
      // The body is whole in memory: its length lets the check pass reserve the index's tables once.
      return service.importEvents({
        open: () => once(bytes),
        size: bytes.length,
        onWarning: (m) => req.log.warn(m),
      });
    },
  );
};
