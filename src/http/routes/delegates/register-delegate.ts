// POST /v1/delegates: register a delegate version with its certificate (the certificate file's JSON text), …
import { parseCertificate } from "../../../service/delegates.js";
import { base64urlToBytes } from "../../../service/primitives.js";
import { actorOf } from "../../auth.js";
import type { RouteModule } from "../../route-kit.js";
import { versionInfo } from "./shared.js";

/** Registers `POST /v1/delegates`. */
export const registerDelegate: RouteModule = (app, kw) => {
  const delegates = kw.delegates;
  app.post(
    "/v1/delegates",
    {
      config: { scope: "delegates:write" },
      schema: {
        summary:
          "Register a delegate version with its certificate (the certificate file's JSON text), optionally with its WebAssembly module",
        tags: ["delegates"],
        operationId: "registerDelegate",
        body: {
          type: "object",
          required: ["certificate"],
          additionalProperties: false,
          properties: {
            certificate: { type: "string", minLength: 2, maxLength: 65_536 },
            wasm: {
              type: "string",
              maxLength: 16_000_000,
              description:
                "the freenet WebAssembly module, base64url; BLAKE3 must equal the certified code hash",
            },
          },
        },
        response: { 201: versionInfo },
      },
    },
    async (req, reply) => {
      const cert = parseCertificate(req.body.certificate);
      const wasm = req.body.wasm === undefined ? undefined : base64urlToBytes(req.body.wasm, "body.wasm");
      return reply
        .code(201)
        .send(
          await (wasm
            ? delegates.modules.register(cert, wasm, actorOf(req))
            : delegates.versions.register(cert, actorOf(req))),
        );
    },
  );
};
