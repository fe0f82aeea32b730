// GET /healthz: liveness (the process answers) and readiness (the database answers a read).
import type { RouteModule } from "../route-kit.js";

const healthSchema = {
  type: "object",
  required: ["live", "ready", "backend"],
  properties: {
    live: { type: "boolean" },
    ready: { type: "boolean", description: "false when the database does not answer" },
    backend: { type: "string", enum: ["sqlite", "postgres"] },
    sealed: { type: "boolean", description: "true while a key-share server waits for its shares" },
  },
} as const;

/** Registers `/healthz`: 200 when ready, 503 (same body) when the database is unreachable. */
export const healthRoutes: RouteModule = (app, kw) => {
  app.get(
    "/healthz",
    {
      config: { scope: "public" },
      schema: {
        summary: "Liveness and database readiness",
        tags: ["operations"],
        operationId: "health",
        response: { 200: healthSchema, 503: healthSchema },
      },
    },
    async (_req, reply) => {
      const ready = await kw.ready();
      return reply
        .code(ready ? 200 : 503)
        .send({ live: true, ready, sealed: false, backend: kw.storage.backend });
    },
  );
};
