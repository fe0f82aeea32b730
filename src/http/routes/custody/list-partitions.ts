// GET /v1/partitions: List partitions
import type { RouteModule } from "../../route-kit.js";
import { partitionInfo } from "./shared.js";

/** Registers `GET /v1/partitions`. */
export const listPartitions: RouteModule = (app, kw) => {
  const custody = kw.custody;
  app.get(
    "/v1/partitions",
    {
      config: { scope: "custody:read" },
      schema: {
        summary: "List partitions",
        tags: ["custody"],
        operationId: "listPartitions",
        response: {
          200: {
            type: "object",
            required: ["partitions"],
            properties: { partitions: { type: "array", items: partitionInfo } },
          },
        },
      },
    },
    async () => ({ partitions: await custody.listPartitions() }),
  );
};
