// One error body for every failure: `{"error":{"code","message"}}` with the status from the code table.
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { type ErrorCode, errorCodeInfo } from "../errors/codes.js";
import { newErrorId } from "../errors/internal.js";
import { toPublicError } from "../errors/keyward-error.js";

/** The JSON error body (`errorId` on internal errors only). */
export interface ErrorBody {
  readonly error: { readonly code: ErrorCode; readonly message: string; readonly errorId?: string };
}

/** Builds the error body for a code and a message (the message must never carry a secret). */
export function errorBody(code: ErrorCode, message: string): ErrorBody {
  return { error: { code, message } };
}

/** Sends `code` with its table status. */
export function sendError(reply: FastifyReply, code: ErrorCode, message: string): FastifyReply {
  // 503 means "try again later": say when (RFC 9110 §10.2.3), so clients back off instead of hammering.
  if (code === "unavailable") reply.header("retry-after", "1");
  return reply.code(errorCodeInfo(code).http).send(errorBody(code, message));
}

interface ValidationItem {
  readonly instancePath?: string;
  readonly message?: string;
  readonly keyword?: string;
  readonly params?: Record<string, unknown>;
}

/** "body.scopes[0]"-style name of the field a validation error is about. */
function fieldName(context: string | undefined, item: ValidationItem): string {
  const segments = (item.instancePath ?? "").split("/").filter((s) => s.length > 0);
  const missing = item.params?.missingProperty;
  if (item.keyword === "required" && typeof missing === "string") segments.push(missing);
  // An unknown property's name is the caller's text, never echoed: the message names its parent instead.
  let name = context ?? "request";
  for (const s of segments)
    name += /^\d+$/.test(s) ? `[${s}]` : `.${s.replace(/~1/g, "/").replace(/~0/g, "~")}`;
  return name;
}

/** The validation message: ajv's text minus anything that could echo the value. */
function validationMessage(context: string | undefined, item: ValidationItem): string {
  const field = fieldName(context, item);
  switch (item.keyword) {
    case "required":
      return `${field} is required`;
    case "additionalProperties":
      return `${field} has an unknown field`;
    case "pattern":
      return `${field} has an invalid format`;
    case "enum": {
      // The allowed values are the schema's, never the caller's: safe to list.
      const allowed = item.params?.allowedValues;
      return Array.isArray(allowed)
        ? `${field} must be one of: ${allowed.join(", ")}`
        : `${field} is not allowed`;
    }
    default:
      return `${field} ${item.message ?? "is invalid"}`;
  }
}

/** Fastify's own 4xx errors (parser, media type, size) mapped to table codes with fixed, safe messages. */
function frameworkError(err: FastifyError): { code: ErrorCode; message: string } | undefined {
  const status = err.statusCode ?? 500;
  if (status === 413) return { code: "payload_too_large", message: "request body is too large" };
  if (status === 415) return { code: "unsupported_media_type", message: "body must be application/json" };
  if (err.code === "FST_ERR_CTP_INVALID_JSON_BODY" || err.name === "SyntaxError")
    return { code: "invalid_input", message: "body: invalid JSON" };
  if (err.code === "FST_ERR_CTP_EMPTY_JSON_BODY")
    return { code: "invalid_input", message: "body: must not be empty for application/json" };
  if (status >= 400 && status < 500) return { code: "invalid_input", message: "malformed request" };
  return undefined;
}

/**
 * Installs the error and not-found handlers. Unknown errors become a generic 500 `internal` (logged with
 * their stack, never sent); validation errors become 400 `invalid_input` naming the field.
 */
export function installErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler((err: FastifyError, req: FastifyRequest, reply: FastifyReply) => {
    if (err.validation && err.validation.length > 0) {
      return sendError(reply, "invalid_input", validationMessage(err.validationContext, err.validation[0]!));
    }
    const pub = toPublicError(err);
    if (pub.code !== "internal") return sendError(reply, pub.code, pub.message);
    const framework = frameworkError(err);
    if (framework) return sendError(reply, framework.code, framework.message);
    // The id ties the client's answer to the operator's log line; the cause never reaches the client.
    const errorId = newErrorId();
    req.log.error({ reqId: req.id, errorId, err }, "internal error");
    return reply
      .code(500)
      .send({ error: { code: "internal", message: `internal error (error id ${errorId})`, errorId } });
  });
  const routes = routeTable(app);
  app.setNotFoundHandler((req, reply) => {
    const allow = routes.methodsFor(req.url);
    if (allow.length > 0) {
      reply.header("allow", allow.join(", "));
      return sendError(
        reply,
        "method_not_allowed",
        `${req.method} is not allowed here (allowed: ${allow.join(", ")})`,
      );
    }
    // The path is not echoed: a mistyped URL may carry something sensitive.
    return sendError(reply, "not_found", `no such route for ${req.method}`);
  });
}

/** Every registered route as a path pattern, to answer 405 + `Allow` for a path that exists with other methods. */
function routeTable(app: FastifyInstance): { methodsFor(url: string): string[] } {
  const routes: { pattern: RegExp; method: string }[] = [];
  app.addHook("onRoute", (r) => {
    const source = r.url
      .split("/")
      .map((seg) =>
        seg.startsWith(":") ? "[^/]+" : seg === "*" ? ".*" : seg.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"),
      )
      .join("/");
    const pattern = new RegExp(`^${source}/?$`);
    for (const method of Array.isArray(r.method) ? r.method : [r.method]) routes.push({ pattern, method });
  });
  return {
    methodsFor(url) {
      const path = url.split("?")[0] ?? "";
      return [...new Set(routes.filter((r) => r.pattern.test(path)).map((r) => r.method))].sort();
    },
  };
}
