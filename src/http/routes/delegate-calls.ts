// POST /v1/delegates/:key/call: one ApplicationMessage to a version's WebAssembly (freenet delegate ABI).

import { callDelegate } from "../../service/delegate-calls.js";
import { actorOf } from "../auth.js";
import { decodeBytes } from "../encoding.js";
import type { RouteModule } from "../route-kit.js";
import { hex32 } from "../schemas.js";

const outbound = {
  type: "object",
  required: ["type"],
  properties: {
    type: { type: "string", description: "OutboundDelegateMsg variant" },
    payload: { type: "string", description: "application payload, hex" },
    decoded: { description: "the payload decoded from CBOR (byte arrays as hex), when it decodes" },
    target: { type: "string", description: "contract or delegate the message names, hex" },
  },
} as const;

/** Registers the delegate call route. */
export const delegateCallRoutes: RouteModule = (app, kw) => {
  const delegates = kw.delegates;
  app.post(
    "/v1/delegates/:key/call",
    {
      config: { scope: "delegates:secrets" },
      schema: {
        summary: "Send one ApplicationMessage to the delegate's WebAssembly and return its outbound messages",
        tags: ["delegates"],
        operationId: "callDelegate",
        params: {
          type: "object",
          required: ["key"],
          properties: { key: { ...hex32, description: "delegate key (64 hex)" } },
        },
        body: {
          type: "object",
          required: ["payload"],
          additionalProperties: false,
          properties: {
            origin: { ...hex32, description: "the sending web app's contract instance id (64 hex)" },
            payload: { type: "string", maxLength: 4_000_000, description: "the message payload" },
            encoding: { type: "string", enum: ["base64url", "hex"], default: "base64url" },
          },
        },
        response: {
          200: {
            type: "object",
            required: ["delegateKey", "messages", "secretsWritten"],
            properties: {
              delegateKey: hex32,
              messages: { type: "array", items: outbound },
              secretsWritten: { type: "integer" },
            },
          },
        },
      },
    },
    async (req) => {
      const payload = decodeBytes(req.body.payload, req.body.encoding ?? "base64url", "body.payload");
      return callDelegate(
        delegates,
        req.params.key,
        { ...(req.body.origin ? { origin: req.body.origin } : {}), payload },
        actorOf(req),
      );
    },
  );
};
