// Bearer-token authentication and per-route authorization: a scope per route, partition binding.
import type { FastifyInstance, FastifyReply, FastifyRequest, RouteOptions } from "fastify";
import { hasScope, type Scope, type TokenPrincipal, type TokenService } from "../service/tokens.js";
import { sendError } from "./errors.js";

/** How a route names the partition it touches (for partition-bound tokens). */
export type PartitionOf = (req: FastifyRequest) => string | undefined | Promise<string | undefined>;

declare module "fastify" {
  interface FastifyContextConfig {
    /** Scope the route requires, or "public" (health, metrics, OpenAPI). Every route must declare one. */
    scope?: Scope | "public";
    /** The partition a request touches; routes without it refuse partition-bound tokens. */
    partition?: PartitionOf;
  }
  interface FastifyRequest {
    /** The authenticated token, or null on public routes. */
    principal: TokenPrincipal | null;
  }
}

const BEARER_RE = /^Bearer ([^\s]+)$/i;

/** The principal of an authenticated request (routes behind a scope always have one). */
export function principalOf(req: FastifyRequest): TokenPrincipal {
  if (!req.principal) throw new Error("route reached without authentication");
  return req.principal;
}

/** Ensures every route declares a scope, so nothing is reachable unauthenticated by accident. */
export function assertRouteHasScope(route: RouteOptions): void {
  const scope = (route.config as { scope?: unknown } | undefined)?.scope;
  if (scope === undefined) throw new Error(`route ${route.method} ${route.url} declares no scope`);
}

async function authenticate(tokens: TokenService, req: FastifyRequest, reply: FastifyReply) {
  const scope = req.routeOptions.config.scope;
  if (scope === undefined || scope === "public") return;
  const header = req.headers.authorization;
  const match = typeof header === "string" ? BEARER_RE.exec(header) : null;
  if (!match) {
    reply.header("www-authenticate", 'Bearer realm="keyward"');
    return sendError(reply, "unauthorized", "missing bearer token (Authorization: Bearer kw_…)");
  }
  const principal = await tokens.authenticate(match[1]);
  if (!principal) {
    reply.header("www-authenticate", 'Bearer realm="keyward", error="invalid_token"');
    return sendError(reply, "unauthorized", "invalid or revoked token");
  }
  req.principal = principal;
  if (!hasScope(principal, scope)) return sendError(reply, "forbidden", `token lacks scope ${scope}`);
}

async function checkPartition(req: FastifyRequest, reply: FastifyReply) {
  const principal = req.principal;
  if (!principal || principal.partition === null) return;
  const partitionOf = req.routeOptions.config.partition;
  const touched = partitionOf ? await partitionOf(req) : undefined;
  if (touched === undefined)
    return sendError(reply, "forbidden", "a partition-bound token cannot use this route");
  if (touched !== principal.partition)
    return sendError(reply, "forbidden", `token is bound to another partition than '${touched}'`);
}

/**
 * Installs authentication: `onRequest` checks the bearer token and the route's scope (401 / 403) before
 * the body is read; `preHandler` checks partition binding once params, query and body are validated.
 */
export function installAuth(app: FastifyInstance, tokens: TokenService): void {
  app.decorateRequest("principal", null);
  app.addHook("onRoute", assertRouteHasScope);
  app.addHook("onRequest", (req, reply) => authenticate(tokens, req, reply));
  app.addHook("preHandler", (req, reply) => checkPartition(req, reply));
}
