// POST /v1/partitions: Create a partition (tenant) with its own master secret key
import { actorOf } from "../../auth.js";
import type { RouteModule } from "../../route-kit.js";
import { partitionName } from "../../schemas.js";
import { partitionInfo } from "./shared.js";

/** Registers `POST /v1/partitions`. */
export const createPartition: RouteModule = (app, kw) => {
  const custody = kw.custody;
  app.post(
    "/v1/partitions",
    {
      config: { scope: "custody:admin", partition: (req) => (req.body as { name?: string }).name },
      schema: {
        summary: "Create a partition (tenant) with its own master secret key",
        tags: ["custody"],
        operationId: "createPartition",
        body: {
          type: "object",
          required: ["name"],
          additionalProperties: false,
          properties: { name: partitionName },
        },
        response: { 201: partitionInfo },
      },
    },
    async (req, reply) => reply.code(201).send(await custody.createPartition(req.body.name, actorOf(req))),
  );
};
