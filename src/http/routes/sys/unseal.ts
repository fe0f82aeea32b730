// POST /v1/sys/unseal: submit one key share to a sealed server (public, rate limited per client address).
import { KeywardError } from "../../../errors/keyward-error.js";
import type { SealGate } from "../../../service/unseal-gate.js";
import { AuthThrottle } from "../../limits.js";
import type { RouteModule } from "../../route-kit.js";
import { sealStatusSchema, UNSEAL_ATTEMPTS_PER_MINUTE } from "./shared.js";

/**
 * Registers `POST /v1/sys/unseal` over the unseal gate. It needs no token (a sealed server has no readable token
 * store, as in Vault), so each client address may submit at most UNSEAL_ATTEMPTS_PER_MINUTE shares a minute (429).
 */
export const unseal: RouteModule<SealGate> = (app, gate) => {
  const throttle = new AuthThrottle(UNSEAL_ATTEMPTS_PER_MINUTE);
  app.post(
    "/v1/sys/unseal",
    {
      config: { scope: "public" },
      schema: {
        summary: "Submit one key share; the K-th distinct share unseals the server",
        description:
          "Shares are kept in memory only and wiped after the attempt. A combination that does not unseal resets progress and answers `unseal_failed` without naming the wrong share. On a server that is not sealed, answers the status and ignores the share.",
        tags: ["operations"],
        operationId: "unseal",
        body: {
          type: "object",
          required: ["share"],
          additionalProperties: false,
          properties: { share: { type: "string", minLength: 1, maxLength: 200 } },
        },
        response: { 200: sealStatusSchema },
      },
    },
    async (req, reply) => {
      const wait = throttle.retryAfter(req.ip);
      if (wait > 0) {
        reply.header("retry-after", String(wait));
        throw new KeywardError("rate_limited", `too many unseal attempts: retry after ${wait} s`);
      }
      throttle.fail(req.ip);
      const wasSealed = gate.status().sealed;
      try {
        const status = await gate.submit(req.body.share, req.ip);
        if (wasSealed)
          req.log.info(
            { reqId: req.id, client: req.ip, sealed: status.sealed, received: status.received },
            status.sealed ? "unseal share received" : "unsealed",
          );
        return status;
      } catch (err) {
        if (err instanceof KeywardError && err.code === "unseal_failed")
          req.log.warn({ reqId: req.id, client: req.ip }, "unseal attempt failed: progress reset");
        throw err;
      }
    },
  );
};
