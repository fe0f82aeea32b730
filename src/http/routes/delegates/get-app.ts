// GET /v1/apps/:name: show an app.
import type { RouteModule } from "../../route-kit.js";
import { appInfo, appParams } from "./shared.js";

/** Registers `GET /v1/apps/:name`. */
export const getApp: RouteModule = (app, kw) => {
  const delegates = kw.delegates;
  app.get(
    "/v1/apps/:name",
    {
      config: { scope: "delegates:read" },
      schema: {
        summary: "Show an app",
        tags: ["delegates"],
        operationId: "getApp",
        params: appParams,
        response: { 200: appInfo },
      },
    },
    async (req) => delegates.apps.get(req.params.name),
  );
};
