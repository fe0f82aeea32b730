// Prometheus metrics: request counts and latencies per route, operation outcomes, domain gauges.
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from "prom-client";

/** A domain gauge read at scrape time (e.g. delegation index size). */
export interface DomainGauge {
  readonly name: string;
  readonly help: string;
  read(): number | Promise<number>;
}

/** The metrics of one HTTP app (own registry: several apps in one process never collide). */
export interface HttpMetrics {
  readonly registry: Registry;
  readonly requests: Counter<"method" | "route" | "status">;
  readonly duration: Histogram<"method" | "route">;
  readonly operations: Counter<"operation" | "outcome">;
}

/** Outcome label of a status code: ok, invalid (400), denied (401/403), refused (other 4xx), error. */
export function outcomeOf(status: number): "ok" | "invalid" | "denied" | "refused" | "error" {
  if (status < 400) return "ok";
  if (status === 400 || status === 413 || status === 415) return "invalid";
  if (status === 401 || status === 403) return "denied";
  if (status < 500) return "refused";
  return "error";
}

/**
 * Creates the registry with default process metrics, HTTP metrics and the given domain gauges.
 * @example const metrics = createMetrics([{ name: "keyward_tokens", help: "…", read: () => 3 }]);
 */
export function createMetrics(gauges: readonly DomainGauge[] = []): HttpMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: "keyward_process_" });
  const requests = new Counter({
    name: "keyward_http_requests_total",
    help: "HTTP requests by method, route and status",
    labelNames: ["method", "route", "status"] as const,
    registers: [registry],
  });
  const duration = new Histogram({
    name: "keyward_http_request_duration_seconds",
    help: "HTTP request latency by method and route",
    labelNames: ["method", "route"] as const,
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [registry],
  });
  const operations = new Counter({
    name: "keyward_operations_total",
    help: "Domain operations (one per API operationId) by outcome",
    labelNames: ["operation", "outcome"] as const,
    registers: [registry],
  });
  for (const g of gauges) {
    new Gauge({
      name: g.name,
      help: g.help,
      registers: [registry],
      async collect() {
        this.set(await g.read());
      },
    });
  }
  return { registry, requests, duration, operations };
}

/**
 * Serves `GET /metrics` (public: counts only, no identifiers) and returns the recorder the app's response
 * hook calls for every response.
 */
export function installMetrics(
  app: FastifyInstance,
  metrics: HttpMetrics,
): (req: FastifyRequest, reply: FastifyReply) => void {
  // Label children are resolved once per (method, route, status): label hashing off the hot path.
  const children = new Map<
    string,
    {
      readonly requests: { inc(): void };
      readonly duration: { observe(v: number): void };
      readonly operation: { inc(): void } | undefined;
    }
  >();
  const observe = (req: FastifyRequest, reply: FastifyReply): void => {
    const route = req.routeOptions.url ?? "unmatched";
    const status = reply.statusCode;
    const key = `${req.method} ${status} ${route}`;
    let c = children.get(key);
    if (!c) {
      const operation = (req.routeOptions.schema as { operationId?: string } | undefined)?.operationId;
      c = {
        requests: metrics.requests.labels({ method: req.method, route, status: String(status) }),
        duration: metrics.duration.labels({ method: req.method, route }),
        operation: operation
          ? metrics.operations.labels({ operation, outcome: outcomeOf(status) })
          : undefined,
      };
      // Unmatched routes have one label value ("unmatched"), so the map stays bounded by routes × statuses.
      children.set(key, c);
    }
    c.requests.inc();
    c.duration.observe(reply.elapsedTime / 1000);
    c.operation?.inc();
  };
  app.get(
    "/metrics",
    {
      config: { scope: "public" },
      schema: { summary: "Prometheus metrics", tags: ["operations"], operationId: "metrics" },
    },
    async (_req, reply) => {
      reply.header("content-type", metrics.registry.contentType);
      return metrics.registry.metrics();
    },
  );
  return observe;
}
