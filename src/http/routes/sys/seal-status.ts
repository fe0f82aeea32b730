// GET /v1/sys/seal-status: whether the server is sealed, and the key-share unseal progress (public).
import type { SealGate } from "../../../service/unseal-gate.js";
import type { RouteModule } from "../../route-kit.js";
import { sealStatusSchema } from "./shared.js";

/** Registers `GET /v1/sys/seal-status` over the unseal gate. */
export const sealStatus: RouteModule<SealGate> = (app, gate) => {
  app.get(
    "/v1/sys/seal-status",
    {
      config: { scope: "public" },
      schema: {
        summary: "Whether the server is sealed, and the key-share unseal progress",
        tags: ["operations"],
        operationId: "sealStatus",
        response: { 200: sealStatusSchema },
      },
    },
    async () => gate.status(),
  );
};
