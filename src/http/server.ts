// Listening server with graceful shutdown: stop accepting, finish in-flight requests, close the database.

import type { FastifyInstance } from "fastify";
import type { Logger } from "pino";
import { KeywardError } from "../errors/keyward-error.js";
import type { Keyward } from "../service/keyward.js";
import { nativeCryptoAvailable } from "../service/primitives.js";
import { buildApp, type TlsMaterial } from "./app.js";
import type { LimitOptions } from "./limits.js";

/** A started server. */
export interface RunningServer {
  readonly app: FastifyInstance;
  /** Base URL, e.g. `http://127.0.0.1:8787`. */
  readonly url: string;
  /** Graceful stop: no new connections, in-flight requests finish, then the storage closes. Idempotent. */
  close(): Promise<void>;
}

/** Options of `startServer`. */
export interface ServerOptions {
  readonly host: string;
  readonly port: number;
  readonly logger?: Logger;
  /** How often other instances' writes are pulled into in-memory indexes (default 200 ms). */
  readonly syncIntervalMs?: number;
  /** Rate limits and load shedding (default: the app's, from the environment). */
  readonly limits?: LimitOptions | false;
  /** HTTPS material; without it the server speaks plain HTTP (the CLI allows that on loopback only). */
  readonly tls?: TlsMaterial;
}

/**
 * Builds the app over `kw`, starts background sync and listens.
 * @throws KeywardError `unavailable` when the address cannot be bound (one line, with the OS code).
 * @example const server = await startServer(kw, { host: "127.0.0.1", port: 8787 });
 */
export async function startServer(kw: Keyward, options: ServerOptions): Promise<RunningServer> {
  const app = await buildApp(kw, {
    ...(options.logger ? { logger: options.logger } : {}),
    ...(options.tls ? { tls: options.tls } : {}),
    ...(options.limits !== undefined ? { limits: options.limits } : {}),
  });
  try {
    await app.listen({ host: options.host, port: options.port });
  } catch (err) {
    await app.close();
    const code = (err as { code?: unknown }).code;
    throw new KeywardError(
      "unavailable",
      `cannot listen on ${options.host}:${options.port}${typeof code === "string" ? ` (${code})` : ""}`,
    );
  }
  const opened = kw.delegations.opened;
  if (opened.snapshot === "failed")
    app.log.warn(
      { snapshotSeq: opened.snapshotSeq, replayed: opened.replayed, reason: opened.error },
      "delegation index snapshot not used: rebuilt from the whole log (run `keyward delegations snapshot`)",
    );
  if (!nativeCryptoAvailable())
    app.log.warn(
      "libsodium (sodium-native) did not load on this platform: Ed25519 and X25519 use the portable path (same bytes, custody signing ~10x slower)",
    );
  await kw.sync();
  kw.startSync(options.syncIntervalMs ?? 200);
  const address = app.server.address();
  const port = typeof address === "object" && address ? address.port : options.port;
  const host = options.host.includes(":") ? `[${options.host}]` : options.host;
  let closing: Promise<void> | undefined;
  return {
    app,
    url: `${options.tls ? "https" : "http"}://${host === "0.0.0.0" || host === "[::]" ? "127.0.0.1" : host}:${port}`,
    close() {
      closing ??= (async () => {
        try {
          await app.close();
        } finally {
          await kw.close();
        }
      })();
      return closing;
    },
  };
}
