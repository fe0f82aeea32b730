// GET /v1/apps/:name/versions: list an app's delegate versions.
import type { RouteModule } from "../../route-kit.js";
import { appParams, versionInfo } from "./shared.js";

/** Registers `GET /v1/apps/:name/versions`. */
export const listAppVersions: RouteModule = (app, kw) => {
  const delegates = kw.delegates;
  app.get(
    "/v1/apps/:name/versions",
    {
      config: { scope: "delegates:read" },
      schema: {
        summary: "List an app's delegate versions",
        tags: ["delegates"],
        operationId: "listAppVersions",
        params: appParams,
        response: {
          200: {
            type: "object",
            required: ["versions"],
            properties: { versions: { type: "array", items: versionInfo } },
          },
        },
      },
    },
    async (req) => ({ versions: await delegates.versions.list(req.params.name) }),
  );
};
