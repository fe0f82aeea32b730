// GET /v1/apps: list apps.
import type { RouteModule } from "../../route-kit.js";
import { appInfo } from "./shared.js";

/** Registers `GET /v1/apps`. */
export const listApps: RouteModule = (app, kw) => {
  const delegates = kw.delegates;
  app.get(
    "/v1/apps",
    {
      config: { scope: "delegates:read" },
      schema: {
        summary: "List apps",
        tags: ["delegates"],
        operationId: "listApps",
        response: {
          200: {
            type: "object",
            required: ["apps"],
            properties: { apps: { type: "array", items: appInfo } },
          },
        },
      },
    },
    async () => ({ apps: await delegates.apps.list() }),
  );
};
