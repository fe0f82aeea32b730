// OpenAPI 3.1 document generated from the registered routes' own schemas (served at /openapi.json).
import type { FastifyInstance, RouteOptions } from "fastify";
import { errorBodySchema } from "./schemas.js";

type Json = Record<string, unknown>;

declare module "fastify" {
  interface FastifySchema {
    /** OpenAPI operation metadata, carried on each route's schema. */
    summary?: string;
    description?: string;
    tags?: readonly string[];
    operationId?: string;
  }
}

interface CollectedRoute {
  readonly method: string;
  readonly url: string;
  readonly schema: Json;
  readonly scope: string;
}

const ERROR_REF = { $ref: "#/components/schemas/ErrorBody" };

/** Adds the shared error body to a route's responses (4xx and 5xx), keeping declared ones. */
export function withErrorResponses(route: RouteOptions): void {
  const schema = (route.schema ?? {}) as Json;
  const response = (schema.response ?? {}) as Json;
  route.schema = { ...schema, response: { "4xx": errorBodySchema, "5xx": errorBodySchema, ...response } };
}

function parameters(where: "path" | "query", schema: unknown): Json[] {
  const s = schema as { properties?: Record<string, Json>; required?: string[] } | undefined;
  if (!s?.properties) return [];
  return Object.entries(s.properties).map(([name, prop]) => ({
    name,
    in: where,
    required: where === "path" || (s.required ?? []).includes(name),
    schema: prop,
    ...(typeof prop.description === "string" ? { description: prop.description } : {}),
  }));
}

function responses(schema: Json): Json {
  const out: Json = {};
  for (const [status, body] of Object.entries((schema.response ?? {}) as Json)) {
    const key = status.toUpperCase();
    if (body === errorBodySchema) {
      out[key] = { description: "error", content: { "application/json": { schema: ERROR_REF } } };
      continue;
    }
    const description = (body as Json).description ?? "success";
    out[key] = { description, content: { "application/json": { schema: body } } };
  }
  if (Object.keys(out).every((k) => !k.startsWith("2"))) out["200"] = { description: "success" };
  return out;
}

function operation(r: CollectedRoute): Json {
  const s = r.schema;
  const isPublic = r.scope === "public";
  return {
    ...(s.operationId ? { operationId: s.operationId } : {}),
    ...(s.summary ? { summary: s.summary } : {}),
    description: `${typeof s.description === "string" ? `${s.description} ` : ""}${isPublic ? "Public." : `Requires scope \`${r.scope}\` (or \`admin\`).`}`,
    ...(s.tags ? { tags: s.tags } : {}),
    parameters: [...parameters("path", s.params), ...parameters("query", s.querystring)],
    ...(s.body
      ? { requestBody: { required: true, content: { "application/json": { schema: s.body } } } }
      : {}),
    responses: responses(s),
    security: isPublic ? [] : [{ bearerAuth: [] }],
    "x-keyward-scope": r.scope,
  };
}

/** Collects routes as they are registered and renders the OpenAPI 3.1 document. */
export class OpenApiCollector {
  readonly #routes: CollectedRoute[] = [];

  /** onRoute hook body. */
  add(route: RouteOptions): void {
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    const scope = String((route.config as { scope?: unknown } | undefined)?.scope ?? "public");
    for (const method of methods) {
      if (method === "HEAD") continue;
      this.#routes.push({
        method: method.toLowerCase(),
        url: route.url,
        schema: (route.schema ?? {}) as Json,
        scope,
      });
    }
  }

  /** The document (paths sorted for stable output). */
  document(info: { title: string; version: string }): Json {
    const paths: Record<string, Json> = {};
    const sorted = [...this.#routes].sort(
      (a, b) => a.url.localeCompare(b.url) || a.method.localeCompare(b.method),
    );
    for (const r of sorted) {
      const path = r.url.replace(/:([A-Za-z0-9_]+)/g, "{$1}");
      paths[path] ??= {};
      paths[path][r.method] = operation(r);
    }
    return {
      openapi: "3.1.0",
      info: { ...info, description: "keyward: key custody and delegation service (docs/http-api.md)" },
      servers: [{ url: "/" }],
      paths,
      components: {
        schemas: { ErrorBody: errorBodySchema },
        securitySchemes: { bearerAuth: { type: "http", scheme: "bearer", description: "kw_… API token" } },
      },
    };
  }
}

/** Registers the collector hooks and `GET /openapi.json`. */
export function installOpenApi(
  app: FastifyInstance,
  info: { title: string; version: string },
): OpenApiCollector {
  const collector = new OpenApiCollector();
  app.addHook("onRoute", (route) => {
    withErrorResponses(route);
    collector.add(route);
  });
  let cached: Json | undefined;
  app.get(
    "/openapi.json",
    {
      config: { scope: "public" },
      schema: { summary: "This OpenAPI 3.1 document", tags: ["operations"], operationId: "openapi" },
    },
    async () => {
      cached ??= collector.document(info);
      return cached;
    },
  );
  return collector;
}
