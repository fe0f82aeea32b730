// Structured logs (pino) with secrets, tokens and key material redacted wherever they might appear.
import { type DestinationStream, type Logger, type LoggerOptions, pino } from "pino";
import { describeCause } from "../errors/internal.js";

/** Field names whose values are never written to a log line, at any of the first three depths. */
export const REDACTED_FIELDS = [
  "authorization",
  "cookie",
  "token",
  "adminToken",
  "secret",
  "seed",
  "passphrase",
  "privateKey",
  "value",
  "key",
  "keyMaterial",
  "password",
] as const;

/** Pino redact paths covering REDACTED_FIELDS at depths 1–3 and the request headers. */
export const REDACT_PATHS: readonly string[] = [
  ...REDACTED_FIELDS.flatMap((f) => [f, `*.${f}`, `*.*.${f}`]),
  'req.headers["authorization"]',
  'req.headers["cookie"]',
  'headers["authorization"]',
];

/**
 * Error serializer: type, code, message and stack only (never driver-specific detail fields), with long
 * hex/base64 runs redacted from the message and stack (a message may quote a value).
 */
function serializeError(err: unknown): Record<string, unknown> {
  if (!(err instanceof Error)) return { type: typeof err };
  const code = (err as { code?: unknown }).code;
  const { message, stack } = describeCause(err);
  return { type: err.name, ...(typeof code === "string" ? { code } : {}), message, stack };
}

/**
 * Creates the service logger: JSON lines, level from `level` (default `info`), secrets redacted.
 * @example const log = createLogger({ level: "warn" });
 */
export function createLogger(options: { level?: string; stream?: DestinationStream } = {}): Logger {
  const config: LoggerOptions = {
    level: options.level ?? "info",
    base: { service: "keyward" },
    redact: { paths: [...REDACT_PATHS], censor: "[redacted]" },
    serializers: { err: serializeError, error: serializeError },
  };
  return options.stream ? pino(config, options.stream) : pino(config);
}
