// /ui: the dashboard's static files behind a strict Content-Security-Policy (no inline script or style, no

// framing, only same-origin requests). The pages call the /v1 API with the pasted token: nothing here is
// authenticated because nothing here is data.
import type { FastifyReply, FastifyRequest } from "fastify";
import { KeywardError } from "../../errors/keyward-error.js";
import type { RouteModule } from "../route-kit.js";
import { uiAssets } from "../ui-assets.js";

/** The policy of every /ui answer; Trusted Types make any HTML-string sink (innerHTML…) throw as well. */
export const UI_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
  "require-trusted-types-for 'script'",
  "trusted-types 'none'",
].join("; ");

const SECURITY_HEADERS: Record<string, string> = {
  "content-security-policy": UI_CSP,
  "x-content-type-options": "nosniff",
  "x-frame-options": "DENY",
  "referrer-policy": "no-referrer",
  "cross-origin-opener-policy": "same-origin",
  "cross-origin-resource-policy": "same-origin",
  "permissions-policy": "camera=(), microphone=(), geolocation=(), payment=()",
  // Revalidate every time (cheap: ETag), so a new server version is never mixed with an old bundle.
  "cache-control": "no-cache",
};

async function sendAsset(name: string, req: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> {
  const asset = (await uiAssets()).get(name);
  if (!asset) throw new KeywardError("not_found", "no such dashboard file");
  reply.headers(SECURITY_HEADERS).header("etag", asset.etag);
  if (req.headers["if-none-match"] === asset.etag) return reply.code(304).send();
  return reply.type(asset.type).send(asset.body);
}

/** Registers `GET /ui` (the page) and `GET /ui/:file` (its script and stylesheet), both public. */
export const uiRoutes: RouteModule = (app) => {
  app.get(
    "/ui",
    {
      config: { scope: "public" },
      schema: {
        summary: "The dashboard (sign in with an API token; every page reads the /v1 API with it)",
        tags: ["ui"],
        operationId: "uiPage",
      },
    },
    (req, reply) => sendAsset("index.html", req, reply),
  );
  app.get(
    "/ui/:file",
    {
      config: { scope: "public" },
      schema: {
        summary: "A file of the dashboard (app.js, app.css; the empty name is the page)",
        tags: ["ui"],
        operationId: "uiAsset",
        params: {
          type: "object",
          required: ["file"],
          properties: { file: { type: "string", maxLength: 64 } },
        },
      },
    },
    (req, reply) => sendAsset(req.params.file === "" ? "index.html" : req.params.file, req, reply),
  );
};
