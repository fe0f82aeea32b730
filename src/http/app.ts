// The Fastify app: auth, one error shape, OpenAPI, metrics, request logs, every /v1 route and the /ui dashboard.
import Fastify, { type FastifyInstance, type FastifyReply, LogController } from "fastify";
import type { Logger } from "pino";
import type { Keyward } from "../service/keyward.js";
import { type SealGate, UNSEALED } from "../service/unseal-gate.js";
import { installAuth } from "./auth.js";
import { installErrorHandling, sendError } from "./errors.js";
import { AuthThrottle, installLimits, type LimitOptions, limitsFromEnv } from "./limits.js";
import { createLogger } from "./logging.js";
import { createMetrics, type DomainGauge, installMetrics } from "./metrics.js";
import { installOpenApi } from "./openapi.js";
import { registerRoutes } from "./route-kit.js";
import { auditRoutes } from "./routes/audit.js";
import { cosignerRoutes } from "./routes/cosigners/index.js";
import { custodyRoutes } from "./routes/custody/index.js";
import { delegateCallRoutes } from "./routes/delegate-calls.js";
import { delegateSessionRoutes } from "./routes/delegate-sessions/index.js";
import { delegateRoutes } from "./routes/delegates/index.js";
import { delegationProofRoutes } from "./routes/delegation-proofs/index.js";
import { delegationRoutes } from "./routes/delegations/index.js";
import { dsnpBatchRoutes } from "./routes/dsnp-batches.js";
import { healthRoutes } from "./routes/health.js";
import { riverRoutes } from "./routes/river/index.js";
import { roomRoutes } from "./routes/rooms/index.js";
import { secretRoutes } from "./routes/secrets/index.js";
import { sysRoutes } from "./routes/sys/index.js";
import { tokenRoutes } from "./routes/tokens/index.js";
import { uiRoutes } from "./routes/ui.js";

/** Options of `buildApp`. */
export interface AppOptions {
  /** A pino logger (default: JSON lines on stdout at `info`). */
  readonly logger?: Logger;
  /** Largest accepted request body in bytes (default 16 MiB: batch validation uploads). */
  readonly bodyLimit?: number;
  /** Extra gauges exposed on /metrics. */
  readonly gauges?: readonly DomainGauge[];
  /** Rate limits and load shedding (default: `limitsFromEnv()`, see docs/http-api.md); `false` = none. */
  readonly limits?: LimitOptions | false;
  /** Serve HTTPS with this PEM certificate chain and private key (see `keyward serve --tls-cert`). */
  readonly tls?: TlsMaterial;
  /**
   * Proxies (addresses or CIDR ranges, `parseTrustProxy`) whose X-Forwarded-For names the client address used
   * by the per-address limits. Default none: the header is ignored.
   */
  readonly trustProxy?: readonly string[];
  /** The key-share unseal gate behind /v1/sys/* (default: a server that is never sealed). */
  readonly sealGate?: SealGate;
}

/** A PEM certificate (chain) and its PEM private key. */
export interface TlsMaterial {
  readonly cert: string;
  readonly key: string;
}

/** The package version shown in the OpenAPI document. */
export const API_VERSION = "0.1.0";

/**
 * Builds the HTTP app over wired services (not listening yet: call `listen` or `inject`).
 * @example
 * const app = await buildApp(await openKeyward(config));
 * await app.listen({ host: "127.0.0.1", port: 8787 });
 */
export async function buildApp(kw: Keyward, options: AppOptions = {}): Promise<FastifyInstance> {
  const logger = options.logger ?? createLogger();
  const app = Fastify({
    ...(options.tls ? { https: { cert: options.tls.cert, key: options.tls.key } } : {}),
    ...(options.trustProxy?.length ? { trustProxy: [...options.trustProxy] } : {}),
    loggerInstance: logger,
    // One line per request from our own hook (route, status, token id), none from Fastify.
    logController: new LogController({ disableRequestLogging: true }),
    // No per-request child logger (pino would redact its bindings on every request): the few request log
    // lines carry `reqId` themselves.
    childLoggerFactory: (parent) => parent,
    bodyLimit: options.bodyLimit ?? 16 * 1024 * 1024,
    exposeHeadRoutes: false,
    routerOptions: { maxParamLength: 1024 },
    return503OnClosing: true,
    forceCloseConnections: "idle",
    // Router-level failures (a malformed URL) get the same error body as everything else.
    frameworkErrors: (_err, _req, reply) => {
      sendError(reply as unknown as FastifyReply, "invalid_input", "malformed URL");
    },
    ajv: { customOptions: { removeAdditional: false, coerceTypes: "array", allErrors: false } },
  }) as unknown as FastifyInstance;

  installErrorHandling(app);
  installOpenApi(app, { title: "keyward", version: API_VERSION });
  const limits = options.limits === undefined ? limitsFromEnv() : options.limits;
  const throttle =
    limits === false || limits.authFailuresPerMinute === 0
      ? undefined
      : new AuthThrottle(limits.authFailuresPerMinute ?? 20, (client, failures) => {
          // Audited once per address and window, not per attempt: a flood must not flood the audit chain.
          kw.tokens.recordAuthThrottle(client, failures).catch((err: unknown) => {
            app.log.error({ err }, "audit of an authentication throttle failed");
          });
        });
  installAuth(app, kw.tokens, throttle);
  if (limits !== false) await installLimits(app, limits);
  const observe = installMetrics(app, createMetrics(options.gauges));
  // One response hook: metrics always, one log line when `info` is on.
  app.addHook("onResponse", (req, reply, done) => {
    observe(req, reply);
    if (logger.isLevelEnabled("info"))
      req.log.info(
        {
          reqId: req.id,
          method: req.method,
          route: req.routeOptions.url ?? "unmatched",
          status: reply.statusCode,
          ms: Math.round(reply.elapsedTime * 100) / 100,
          ...(req.principal ? { tokenId: req.principal.id } : {}),
        },
        "request",
      );
    done();
  });

  // While shutting down, a keep-alive connection closes right after its in-flight answer instead of holding
  // the exit for the whole keep-alive timeout.
  app.addHook("preClose", (done) => {
    app.server.keepAliveTimeout = 1;
    done();
  });

  await registerRoutes(app, kw, [healthRoutes, ...tokenRoutes, ...secretRoutes, auditRoutes]);
  // The seal routes read the unseal gate, not the service (answered by the sealed front before unseal).
  await registerRoutes(app, options.sealGate ?? UNSEALED, sysRoutes);
  await registerRoutes(app, kw, delegateRoutes);
  await registerRoutes(app, kw, [delegateCallRoutes]);
  await registerRoutes(app, kw, delegateSessionRoutes);
  await registerRoutes(app, kw, cosignerRoutes);
  await registerRoutes(app, kw, custodyRoutes);
  await registerRoutes(app, kw, roomRoutes);
  await registerRoutes(app, kw, riverRoutes);
  await registerRoutes(app, kw, delegationRoutes);
  await registerRoutes(app, kw, delegationProofRoutes);
  await registerRoutes(app, kw, [dsnpBatchRoutes]);
  await registerRoutes(app, kw, [uiRoutes]);
  await app.ready();
  return app;
}
