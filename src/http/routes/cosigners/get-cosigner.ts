// GET /v1/cosigners/:id: show a cosigner session and its rounds (public data only).
import type { RouteModule } from "../../route-kit.js";
import { idParams, info } from "./shared.js";

/** Registers `GET /v1/cosigners/:id`. */
export const getCosigner: RouteModule = (app, kw) => {
  const delegates = kw.delegates;
  app.get(
    "/v1/cosigners/:id",
    {
      config: { scope: "delegates:read" },
      schema: {
        summary: "Show a cosigner session and its rounds (public data only)",
        tags: ["delegates"],
        operationId: "getCosigner",
        params: idParams,
        response: { 200: info },
      },
    },
    async (req) => delegates.cosigners.show(req.params.id),
  );
};
