// /v1/sys/seal-status and /v1/sys/unseal: key-share unseal of a sealed server (public, rate limited per address).
import type { FastifyInstance } from "fastify";
import { KeywardError } from "../../errors/keyward-error.js";
import type { SealGate } from "../../service/unseal-gate.js";
import { AuthThrottle } from "../limits.js";

/** Unseal submissions per client address per minute (each share counts, right or wrong). */
export const UNSEAL_ATTEMPTS_PER_MINUTE = 30;

const sealStatusSchema = {
  type: "object",
  required: ["sealed", "threshold", "shares", "received"],
  properties: {
    sealed: { type: "boolean", description: "true until `threshold` shares unsealed the store" },
    threshold: { type: "integer", description: "K: shares needed (0: the store is not unsealed by shares)" },
    shares: { type: "integer", description: "N: shares made (0: the store is not unsealed by shares)" },
    received: { type: "integer", description: "distinct shares received towards this attempt" },
  },
} as const;

/**
 * Registers the seal routes over `gate`. They need no token (a sealed server has no readable token store, as in
 * Vault), so each client address may submit at most UNSEAL_ATTEMPTS_PER_MINUTE shares a minute (429).
 */
export function sysUnsealRoutes(app: FastifyInstance, gate: SealGate): void {
  const throttle = new AuthThrottle(UNSEAL_ATTEMPTS_PER_MINUTE);

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

  app.post<{ Body: { share: string } }>(
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
}
