// GET /v1/tokens: list API tokens, never their values (scope `admin`).
import type { RouteModule } from "../../route-kit.js";
import { tokenInfo } from "./schemas.js";

/** Registers `GET /v1/tokens`. */
export const listTokens: RouteModule = (app, kw) => {
  app.get(
    "/v1/tokens",
    {
      config: { scope: "admin" },
      schema: {
        summary: "List API tokens (never their values)",
        tags: ["tokens"],
        operationId: "listTokens",
        response: {
          200: {
            type: "object",
            required: ["tokens"],
            properties: { tokens: { type: "array", items: tokenInfo } },
          },
        },
      },
    },
    async () => ({ tokens: await kw.tokens.list() }),
  );
};
