// Bearer-token authentication and per-route authorization: a scope per route, partition binding.
import type { FastifyInstance, FastifyReply, FastifyRequest, RouteOptions } from "fastify";
import { hasScope, type Scope, type TokenPrincipal, type TokenService } from "../service/tokens.js";
import { sendError } from "./errors.js";
import type { AuthThrottle } from "./limits.js";

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

/** The caller as the service's audit entries name it: `token:<id>` of the request's bearer token. */
export function actorOf(req: FastifyRequest): string {
  return `token:${principalOf(req).id}`;
}

/**
 * Ensures every route declares a scope (nothing is reachable unauthenticated by accident) and gives routes
 * that name a partition the partition check.
 */
export function prepareRoute(route: RouteOptions): void {
  const config = route.config as { scope?: unknown; partition?: unknown } | undefined;
  if (config?.scope === undefined) throw new Error(`route ${route.method} ${route.url} declares no scope`);
  if (config.partition === undefined) return;
  const existing =
    route.preHandler === undefined
      ? []
      : Array.isArray(route.preHandler)
        ? route.preHandler
        : [route.preHandler];
  route.preHandler = [checkPartition, ...existing];
}

function refuseMissing(reply: FastifyReply): FastifyReply {
  reply.header("www-authenticate", 'Bearer realm="keyward"');
  return sendError(reply, "unauthorized", "missing bearer token (Authorization: Bearer kw_…)");
}

/** Sets the principal or refuses (401 unknown token, 403 missing scope). */
function admit(
  req: FastifyRequest,
  reply: FastifyReply,
  principal: TokenPrincipal | undefined,
  scope: Scope,
  throttle: AuthThrottle | undefined,
) {
  if (!principal) {
    throttle?.fail(req.ip);
    reply.header("www-authenticate", 'Bearer realm="keyward", error="invalid_token"');
    return sendError(reply, "unauthorized", "invalid or revoked token");
  }
  req.principal = principal;
  if (!hasScope(principal, scope)) return sendError(reply, "forbidden", `token lacks scope ${scope}`);
  // Routes that name no partition refuse bound tokens at once; the others check after validation.
  if (principal.partition !== null && !req.routeOptions.config.partition)
    return sendError(reply, "forbidden", "a partition-bound token cannot use this route");
  return undefined;
}

/** onRequest: synchronous when the token's record is cached (the hot path), else one lookup. */
function authenticate(
  tokens: TokenService,
  throttle: AuthThrottle | undefined,
  req: FastifyRequest,
  reply: FastifyReply,
  done: (err?: Error) => void,
): void {
  const scope = req.routeOptions.config.scope;
  if (scope === undefined || scope === "public") {
    done();
    return;
  }
  const header = req.headers.authorization;
  const match = typeof header === "string" ? BEARER_RE.exec(header) : null;
  if (!match) {
    refuseMissing(reply);
    return;
  }
  // An address over its failed-authentication budget is refused before its token is looked at.
  const wait = throttle?.retryAfter(req.ip) ?? 0;
  if (wait > 0) {
    reply.header("retry-after", String(wait));
    sendError(reply, "rate_limited", "too many failed authentications from this address; retry later");
    return;
  }
  const cached = tokens.peek(match[1]);
  if (cached) {
    if (!admit(req, reply, cached.principal, scope, throttle)) done();
    return;
  }
  tokens.authenticate(match[1]).then(
    (principal) => {
      if (!admit(req, reply, principal, scope, throttle)) done();
    },
    (err: Error) => done(err),
  );
}

/**
 * preHandler of routes that declare `partition`: binding checked after validation, so body fields can name
 * the partition.
 */
function checkPartition(req: FastifyRequest, reply: FastifyReply, done: (err?: Error) => void): void {
  const principal = req.principal;
  const partitionOf = req.routeOptions.config.partition;
  if (!principal || principal.partition === null || !partitionOf) {
    done();
    return;
  }
  const bound = principal.partition;
  Promise.resolve(partitionOf(req)).then(
    (touched) => {
      if (touched === undefined)
        sendError(reply, "forbidden", "a partition-bound token cannot use this route");
      else if (touched !== bound) sendError(reply, "forbidden", "token is bound to another partition");
      else done();
    },
    (err: Error) => done(err),
  );
}

/**
 * Installs authentication: `onRequest` checks the bearer token and the route's scope (401 / 403) before
 * the body is read, and refuses partition-bound tokens on unpartitioned routes; routes that name a partition
 * check it in a `preHandler`, once params, query and body are validated.
 */
export function installAuth(app: FastifyInstance, tokens: TokenService, throttle?: AuthThrottle): void {
  app.decorateRequest("principal", null);
  app.addHook("onRoute", prepareRoute);
  app.addHook("onRequest", (req, reply, done) => authenticate(tokens, throttle, req, reply, done));
}
