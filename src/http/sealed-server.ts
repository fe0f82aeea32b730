// A server that starts sealed (key-share store): /healthz and /v1/sys/* answer, everything else 503 `sealed`,
// until K shares unseal it; then every request goes to the full app built over the unsealed service.
import Fastify, {
  type FastifyInstance,
  type FastifyReply,
  type FastifyRequest,
  LogController,
} from "fastify";
import type { Logger } from "pino";
import { KeywardError } from "../errors/keyward-error.js";
import type { ShareSplit, UnsealMaterial } from "../service/key-shares.js";
import type { Keyward } from "../service/keyward.js";
import { type UnsealAttempt, UnsealGate } from "../service/unseal-gate.js";
import { buildApp } from "./app.js";
import { installErrorHandling, sendError } from "./errors.js";
import { createLogger } from "./logging.js";
import { registerRoutes } from "./route-kit.js";
import { sysRoutes } from "./routes/sys/index.js";
import type { RunningServer, ServerOptions } from "./server.js";

/** Options of `startSealedServer`. */
export interface SealedServerOptions extends ServerOptions {
  /** N and K of the store (from its stored parameters). */
  readonly split: ShareSplit;
  /** The storage backend, for /healthz. */
  readonly backend: "sqlite" | "postgres";
  /** Opens the service with the submitted shares (rejects `unseal_failed` when they do not open the store). */
  readonly open: (material: UnsealMaterial, attempt: UnsealAttempt) => Promise<Keyward>;
}

interface Unsealed {
  readonly kw: Keyward;
  readonly app: FastifyInstance;
}

const SEALED_MESSAGE = "the server is sealed: submit key shares to /v1/sys/unseal (`keyward unseal`)";

/** The front app of the sealed phase: health, the seal routes, a 503 for the rest; forwards once unsealed. */
async function buildFront(gate: UnsealGate<Unsealed>, options: SealedServerOptions, logger: Logger) {
  const front = Fastify({
    ...(options.tls ? { https: { cert: options.tls.cert, key: options.tls.key } } : {}),
    loggerInstance: logger,
    logController: new LogController({ disableRequestLogging: true }),
    childLoggerFactory: (parent) => parent,
    bodyLimit: 4096,
    exposeHeadRoutes: false,
    return503OnClosing: true,
    forceCloseConnections: "idle",
    frameworkErrors: (_err, _req, reply) => {
      sendError(reply as unknown as FastifyReply, "invalid_input", "malformed URL");
    },
  }) as unknown as FastifyInstance;
  installErrorHandling(front);
  const forwarded = new WeakSet<FastifyRequest>();
  front.addHook("onRequest", (req, reply, done) => {
    const open = gate.value;
    if (open) {
      // Unsealed: the full app answers (its own hooks, limits, logs); this app only hands the request over.
      forwarded.add(req);
      reply.hijack();
      open.app.routing(req.raw, reply.raw);
      return;
    }
    const path = req.url.split("?")[0] ?? "";
    if (path === "/healthz" || path.startsWith("/v1/sys/")) return done();
    sendError(reply, "sealed", SEALED_MESSAGE);
  });
  front.addHook("onResponse", (req, reply, done) => {
    if (!forwarded.has(req) && logger.isLevelEnabled("info"))
      req.log.info(
        {
          reqId: req.id,
          method: req.method,
          route: req.routeOptions.url ?? "unmatched",
          status: reply.statusCode,
          sealed: true,
        },
        "request",
      );
    done();
  });
  front.get("/healthz", { config: { scope: "public" } }, async (_req, reply) =>
    reply.code(503).send({ live: true, ready: false, sealed: true, backend: options.backend }),
  );
  await registerRoutes(front, gate, sysRoutes);
  await front.ready();
  return front;
}

/**
 * Starts a sealed server on a key-share store: listens at once, answers 503 `sealed` (except /healthz and
 * /v1/sys/*) until `split.threshold` shares open the store, then serves the full API over the unsealed service.
 * @throws KeywardError `unavailable` when the address cannot be bound.
 * @example const server = await startSealedServer({ host, port: 0, split, backend: "sqlite", open: keywardOpener(config) });
 */
export async function startSealedServer(options: SealedServerOptions): Promise<RunningServer> {
  const logger = options.logger ?? createLogger();
  const gate: UnsealGate<Unsealed> = new UnsealGate<Unsealed>({
    split: options.split,
    open: async (material, attempt) => {
      const kw = await options.open(material, attempt);
      try {
        const app = await buildApp(kw, {
          logger,
          sealGate: gate,
          ...(options.limits !== undefined ? { limits: options.limits } : {}),
        });
        await kw.sync();
        kw.startSync(options.syncIntervalMs ?? 200);
        logger.info({ clients: attempt.clients }, "unsealed by key shares");
        return { kw, app };
      } catch (err) {
        await kw.close();
        throw err;
      }
    },
  });
  const front = await buildFront(gate, options, logger);
  try {
    await front.listen({ host: options.host, port: options.port });
  } catch (err) {
    await front.close();
    const code = (err as { code?: unknown }).code;
    throw new KeywardError(
      "unavailable",
      `cannot listen on ${options.host}:${options.port}${typeof code === "string" ? ` (${code})` : ""}`,
    );
  }
  logger.warn(
    { threshold: options.split.threshold, shares: options.split.shares },
    "sealed: waiting for key shares on /v1/sys/unseal",
  );
  const address = front.server.address();
  const port = typeof address === "object" && address ? address.port : options.port;
  const host = options.host.includes(":") ? `[${options.host}]` : options.host;
  let closing: Promise<void> | undefined;
  return {
    app: front,
    url: `${options.tls ? "https" : "http"}://${host === "0.0.0.0" || host === "[::]" ? "127.0.0.1" : host}:${port}`,
    close() {
      closing ??= (async () => {
        try {
          await front.close();
        } finally {
          await gate.settled();
          gate.clear();
          const open = gate.value;
          if (open) {
            await open.app.close();
            await open.kw.close();
          }
        }
      })();
      return closing;
    },
  };
}
