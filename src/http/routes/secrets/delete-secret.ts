// DELETE /v1/secrets/:name: delete a secret.
import { KeywardError } from "../../../errors/keyward-error.js";
import { USER_SECRET_NAMESPACE } from "../../../service/keyward.js";
import type { RouteModule } from "../../route-kit.js";
import { nameParams } from "./shared.js";

/** Registers `DELETE /v1/secrets/:name`. */
export const deleteSecret: RouteModule = (app, kw) => {
  const ns = USER_SECRET_NAMESPACE;
  app.delete(
    "/v1/secrets/:name",
    {
      config: { scope: "secrets:write" },
      schema: {
        summary: "Delete a secret",
        tags: ["secrets"],
        operationId: "deleteSecret",
        params: nameParams,
        response: {
          200: { type: "object", required: ["deleted"], properties: { deleted: { type: "boolean" } } },
        },
      },
    },
    async (req) => {
      if (!(await kw.storage.secrets.delete(ns, req.params.name)))
        throw new KeywardError("not_found", "no secret with that name");
      return { deleted: true };
    },
  );
};
