// Prometheus metrics: request counts and latencies per route, operation outcomes, domain gauges.
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { collectDefaultMetrics, Gauge, type Metric, Registry } from "prom-client";

/** A domain gauge read at scrape time (e.g. delegation index size). */
export interface DomainGauge {
  readonly name: string;
  readonly help: string;
  read(): number | Promise<number>;
}

/** Latency histogram bounds in seconds. */
export const DURATION_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5];

type Labels = Readonly<Record<string, string>>;

interface CounterSeries {
  readonly labels: Labels;
  count: number;
}

interface HistogramSeries {
  readonly labels: Labels;
  count: number;
  sum: number;
  /** Per-bucket (not cumulative) counts; the last slot is +Inf. */
  readonly buckets: Float64Array;
}

/** One response's series, resolved once per (method, status, route). */
interface ResponseSeries {
  readonly requests: CounterSeries;
  readonly duration: HistogramSeries;
  readonly operation: CounterSeries | undefined;
}

/** The metrics of one HTTP app (own registry: several apps in one process never collide). */
export interface HttpMetrics {
  readonly registry: Registry;
  /** Records one response. */
  observe(req: FastifyRequest, reply: FastifyReply): void;
}

/** Outcome label of a status code: ok, invalid (400/413/415), denied (401/403), refused (other 4xx), error. */
export function outcomeOf(status: number): "ok" | "invalid" | "denied" | "refused" | "error" {
  if (status < 400) return "ok";
  if (status === 400 || status === 413 || status === 415) return "invalid";
  if (status === 401 || status === 403) return "denied";
  if (status < 500) return "refused";
  return "error";
}

/** A metric whose values are rendered at scrape time from plain counters (no label hashing per request). */
function scrapeTimeMetric(
  name: string,
  help: string,
  type: "counter" | "histogram",
  values: () => { value: number; labels: Labels; metricName?: string }[],
): Metric {
  const metric = {
    name,
    help,
    type,
    aggregator: "sum",
    get: async () => ({ name, help, type, aggregator: "sum", values: values() }),
    reset() {},
  };
  return metric as unknown as Metric;
}

/**
 * Creates the registry with default process metrics, HTTP metrics and the given domain gauges. Per-request
 * work is a map lookup and a few increments; Prometheus text is built only when `/metrics` is scraped.
 * @example const metrics = createMetrics([{ name: "keyward_tokens", help: "…", read: () => 3 }]);
 */
export function createMetrics(gauges: readonly DomainGauge[] = []): HttpMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: "keyward_" });
  const requests = new Map<string, CounterSeries>();
  const durations = new Map<string, HistogramSeries>();
  const operations = new Map<string, CounterSeries>();
  const byResponse = new Map<string, ResponseSeries>();

  const counter = (map: Map<string, CounterSeries>, key: string, labels: Labels): CounterSeries => {
    let s = map.get(key);
    if (!s) {
      s = { labels, count: 0 };
      map.set(key, s);
    }
    return s;
  };

  registry.registerMetric(
    scrapeTimeMetric(
      "keyward_http_requests_total",
      "HTTP requests by method, route and status",
      "counter",
      () => [...requests.values()].map((s) => ({ value: s.count, labels: s.labels })),
    ),
  );
  registry.registerMetric(
    scrapeTimeMetric(
      "keyward_http_request_duration_seconds",
      "HTTP request latency by method and route",
      "histogram",
      () =>
        [...durations.values()].flatMap((s) => {
          let cumulative = 0;
          const buckets = [...DURATION_BUCKETS, Number.POSITIVE_INFINITY].map((le, i) => {
            cumulative += s.buckets[i]!;
            return {
              value: cumulative,
              labels: { ...s.labels, le: le === Number.POSITIVE_INFINITY ? "+Inf" : String(le) },
              metricName: "keyward_http_request_duration_seconds_bucket",
            };
          });
          return [
            ...buckets,
            { value: s.sum, labels: s.labels, metricName: "keyward_http_request_duration_seconds_sum" },
            { value: s.count, labels: s.labels, metricName: "keyward_http_request_duration_seconds_count" },
          ];
        }),
    ),
  );
  registry.registerMetric(
    scrapeTimeMetric(
      "keyward_operations_total",
      "Domain operations (one per API operationId) by outcome",
      "counter",
      () => [...operations.values()].map((s) => ({ value: s.count, labels: s.labels })),
    ),
  );
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

  return {
    registry,
    observe(req, reply) {
      const route = req.routeOptions.url ?? "unmatched";
      const status = reply.statusCode;
      const key = `${req.method} ${status} ${route}`;
      let s = byResponse.get(key);
      if (!s) {
        // Unmatched routes share one label value, so the maps stay bounded by routes × statuses.
        const method = req.method;
        const operation = (req.routeOptions.schema as { operationId?: string } | undefined)?.operationId;
        const outcome = outcomeOf(status);
        let duration = durations.get(`${method} ${route}`);
        if (!duration) {
          duration = {
            labels: { method, route },
            count: 0,
            sum: 0,
            buckets: new Float64Array(DURATION_BUCKETS.length + 1),
          };
          durations.set(`${method} ${route}`, duration);
        }
        s = {
          requests: counter(requests, key, { method, route, status: String(status) }),
          duration,
          operation: operation
            ? counter(operations, `${operation} ${outcome}`, { operation, outcome })
            : undefined,
        };
        byResponse.set(key, s);
      }
      s.requests.count++;
      if (s.operation) s.operation.count++;
      const seconds = reply.elapsedTime / 1000;
      const d = s.duration;
      d.count++;
      d.sum += seconds;
      let i = 0;
      while (i < DURATION_BUCKETS.length && seconds > DURATION_BUCKETS[i]!) i++;
      d.buckets[i]!++;
    },
  };
}

/**
 * Serves `GET /metrics` (public: counts only, no identifiers) and returns the recorder the app's response
 * hook calls for every response.
 */
export function installMetrics(
  app: FastifyInstance,
  metrics: HttpMetrics,
): (req: FastifyRequest, reply: FastifyReply) => void {
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
  return metrics.observe;
}
