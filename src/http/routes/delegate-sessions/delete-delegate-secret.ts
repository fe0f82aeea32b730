// DELETE /v1/delegates/:key/secrets/:name: delete a delegate secret.
import { KeywardError } from "../../../errors/keyward-error.js";
import type { RouteModule } from "../../route-kit.js";
import { secretParams } from "./shared.js";

/** Registers `DELETE /v1/delegates/:key/secrets/:name`. */
export const deleteDelegateSecret: RouteModule = (app, kw) => {
  const delegates = kw.delegates;
  app.delete(
    "/v1/delegates/:key/secrets/:name",
    {
      config: { scope: "delegates:secrets" },
      schema: {
        summary: "Delete a delegate secret",
        tags: ["delegates"],
        operationId: "deleteDelegateSecret",
        params: secretParams,
        response: {
          200: { type: "object", required: ["deleted"], properties: { deleted: { type: "boolean" } } },
        },
      },
    },
    async (req) => {
      if (!(await delegates.secrets.delete(req.params.key, req.params.name)))
        throw new KeywardError("not_found", "the delegate has no secret with that name");
      return { deleted: true };
    },
  );
};
