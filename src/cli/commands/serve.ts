// `keyward serve [--host H] [--port N] [--dev]`: the HTTP service, and dev mode on the embedded default.
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Command } from "commander";
import { KeywardError } from "../../errors/keyward-error.js";
import { limitsFromEnv } from "../../http/limits.js";
import { createLogger } from "../../http/logging.js";
import { type RunningServer, startServer } from "../../http/server.js";
import { parseTrustProxy, trustProxyFromEnv } from "../../http/trust-proxy.js";
import type { KeywardConfig } from "../../service/config.js";
import { isShareMaterial } from "../../service/key-shares.js";
import { type Keyward, openKeyward } from "../../service/keyward.js";
import { newKeyFileContent, storeUnsealMode } from "../../service/store-admin.js";
import { keywardOpener } from "../../service/unseal-gate.js";
import { commandConfig } from "../context.js";
import type { GlobalOptions } from "../io.js";
import { resolveServeTls, type ServeTls, type TlsFlags } from "./serve-tls.js";

/** Default port of `keyward serve`. */
export const DEFAULT_PORT = 8787;
/** Dev mode's admin token file inside the data dir (0600). */
export const DEV_TOKEN_FILE = "dev-admin.token";
/** Dev mode's unseal key file inside the data dir (0600), found again by resolveConfig. */
export const DEV_KEY_FILE = "dev-unseal.key";

const LOG_LEVELS = ["fatal", "error", "warn", "info", "debug", "trace", "silent"];

/** Listen address and log level from flags, then KEYWARD_HOST / KEYWARD_PORT / KEYWARD_LOG_LEVEL. */
export interface ServeSettings {
  readonly host: string;
  readonly port: number;
  readonly logLevel: string;
}

/**
 * Validates the serve settings; a bad value stops start-up with one line naming the setting.
 * @throws KeywardError `invalid_input`.
 */
export function resolveServeSettings(
  flags: { host?: string | undefined; port?: string | undefined },
  env: NodeJS.ProcessEnv = process.env,
): ServeSettings {
  const host = flags.host ?? env.KEYWARD_HOST ?? "127.0.0.1";
  if (!/^[A-Za-z0-9.:_-]{1,253}$/.test(host))
    throw new KeywardError("invalid_input", "--host / KEYWARD_HOST must be a host name or IP address");
  const portText = (flags.port ?? env.KEYWARD_PORT ?? String(DEFAULT_PORT)).trim();
  const port = Number(portText);
  if (!/^\d{1,5}$/.test(portText) || port > 65535)
    throw new KeywardError("invalid_input", "--port / KEYWARD_PORT must be an integer 0…65535");
  const logLevel = env.KEYWARD_LOG_LEVEL ?? "info";
  if (!LOG_LEVELS.includes(logLevel))
    throw new KeywardError("invalid_input", `KEYWARD_LOG_LEVEL must be one of ${LOG_LEVELS.join(", ")}`);
  return { host, port, logLevel };
}

/** Dev mode: the data dir and a dev unseal key file (created once, 0600) when no material is configured. */
function prepareDevConfig(config: KeywardConfig): KeywardConfig {
  mkdirSync(config.dataDir, { recursive: true, mode: 0o700 });
  if (config.unseal) return config;
  const keyFile = join(config.dataDir, DEV_KEY_FILE);
  writeFileSync(keyFile, newKeyFileContent(), { mode: 0o600, flag: "wx" });
  return { ...config, unseal: { keyFile } };
}

/** Dev mode's admin token: reused from the data dir while it still works, else created and saved (0600). */
async function devAdminToken(kw: Keyward, dataDir: string): Promise<string> {
  const file = join(dataDir, DEV_TOKEN_FILE);
  if (existsSync(file)) {
    const saved = readFileSync(file, "utf8").trim();
    if (await kw.tokens.authenticate(saved)) return saved;
  }
  const { token } = await kw.tokens.create({
    scopes: ["admin"],
    label: "dev mode admin",
    actor: "serve --dev",
  });
  writeFileSync(file, `${token}\n`, { mode: 0o600 });
  chmodSync(file, 0o600);
  return token;
}

function devBanner(url: string, token: string, dataDir: string, tls: ServeTls | undefined): string {
  const bar = "!".repeat(78);
  const cacert = tls ? ` --cacert ${tls.certFile}` : "";
  return [
    bar,
    "!! keyward DEV MODE: NOT FOR PRODUCTION. The unseal key and the admin token sit in plain files in",
    `!! ${dataDir}. Use \`keyward init\` + KEYWARD_PASSPHRASE or --key-file for real deployments.`,
    bar,
    `URL:          ${url}`,
    `admin token:  ${token}`,
    `try:          curl${cacert} -H "Authorization: Bearer ${token}" ${url}/v1/tokens`,
    `dashboard:    ${url}/ui   (paste the admin token to sign in)`,
    `API:          ${url}/openapi.json   health: ${url}/healthz   metrics: ${url}/metrics`,
    "",
  ].join("\n");
}

/** Waits for SIGTERM / SIGINT, then closes gracefully (stop accepting, finish in-flight, close the DB). */
function untilSignal(server: RunningServer): Promise<void> {
  return new Promise((resolve, reject) => {
    const stop = (signal: string) => {
      process.off("SIGTERM", onTerm);
      process.off("SIGINT", onInt);
      server.app.log.info({ signal }, "shutting down");
      server.close().then(() => {
        process.stderr.write("keyward stopped\n");
        resolve();
      }, reject);
    };
    const onTerm = () => stop("SIGTERM");
    const onInt = () => stop("SIGINT");
    process.on("SIGTERM", onTerm);
    process.on("SIGINT", onInt);
  });
}

/** Flags of `serve`. */
interface ServeFlags extends TlsFlags {
  readonly host?: string;
  readonly port?: string;
  readonly dev?: boolean;
  readonly trustProxy?: string;
}

/** Registers `serve`. */
export function registerServeCommand(program: Command): void {
  program
    .command("serve")
    .description(
      "run the HTTP API (JSON under /v1, OpenAPI at /openapi.json, /healthz, /metrics, dashboard at /ui)",
    )
    .option("--host <host>", "listen address (env KEYWARD_HOST, default 127.0.0.1)")
    .option("--port <n>", `listen port, 0 = any free port (env KEYWARD_PORT, default ${DEFAULT_PORT})`)
    .option(
      "--dev",
      "dev mode: create the data dir, a dev unseal key file and an admin token (NOT for production)",
    )
    .option("--tls-cert <file>", "serve HTTPS with this PEM certificate (chain); needs --tls-key")
    .option("--tls-key <file>", "the PEM private key of --tls-cert")
    .option("--tls", "with --dev: HTTPS with a self-signed certificate kept in the data dir")
    .option("--insecure-no-tls", "allow plain HTTP on a non-loopback --host (tokens travel in clear)")
    .option(
      "--trust-proxy <list>",
      "comma-separated proxy addresses/CIDRs whose X-Forwarded-For names the client (env KEYWARD_TRUST_PROXY; default none)",
    )
    .action(async (opts: ServeFlags, cmd: Command) => {
      const g = cmd.optsWithGlobals<GlobalOptions>();
      const settings = resolveServeSettings(opts);
      const trustProxy =
        opts.trustProxy !== undefined ? parseTrustProxy(opts.trustProxy) : trustProxyFromEnv();
      let config = commandConfig(cmd);
      // TLS is decided before anything is created: a refused plain-HTTP bind leaves no trace.
      if (!opts.dev) await resolveServeTls(opts, settings.host, config.dataDir);
      const mode = await storeUnsealMode(config);
      if (mode?.kind === "shares" && !(config.unseal && isShareMaterial(config.unseal))) {
        // A key-share store starts sealed: the shares arrive over HTTP (`keyward unseal`), never from disk.
        if (opts.dev) throw new KeywardError("invalid_input", "--dev does not apply to a key-share store");
        const tls = await resolveServeTls(opts, settings.host, config.dataDir);
        const { startSealedServer } = await import("../../http/sealed-server.js");
        const server = await startSealedServer({
          host: settings.host,
          port: settings.port,
          logger: createLogger({ level: settings.logLevel }),
          ...(tls ? { tls: { cert: tls.cert, key: tls.key } } : {}),
          limits: { maxInFlight: 1024, ...limitsFromEnv() },
          split: mode,
          backend: config.db?.startsWith("postgres") ? "postgres" : "sqlite",
          open: keywardOpener(config),
        });
        if (g.json) process.stderr.write(`${JSON.stringify({ url: server.url, sealed: true })}\n`);
        if (tls && !g.json)
          process.stderr.write(`TLS certificate SHA-256 fingerprint: ${tls.fingerprint256}\n`);
        process.stderr.write(
          `keyward listening on ${server.url} (sealed: run \`keyward unseal --url ${server.url}\` with ${mode.threshold} of ${mode.shares} key shares)\n`,
        );
        return untilSignal(server);
      }
      if (opts.dev) config = prepareDevConfig(config);
      const tls = await resolveServeTls(opts, settings.host, config.dataDir);
      const kw = await openKeyward(config, { createIfMissing: opts.dev === true });
      let server: RunningServer;
      let adminToken: string | undefined;
      try {
        if (opts.dev) adminToken = await devAdminToken(kw, config.dataDir);
        server = await startServer(kw, {
          host: settings.host,
          port: settings.port,
          logger: createLogger({ level: settings.logLevel }),
          ...(tls ? { tls: { cert: tls.cert, key: tls.key } } : {}),
          ...(trustProxy ? { trustProxy } : {}),
          // A served instance sheds load (503 + Retry-After) past 1,024 requests in flight by default.
          limits: { maxInFlight: 1024, ...limitsFromEnv() },
        });
      } catch (err) {
        await kw.close();
        throw err;
      }
      // The banner goes to stderr: stdout carries only the JSON log lines.
      const pin = tls ? { tlsFingerprint256: tls.fingerprint256, tlsCert: tls.certFile } : {};
      if (g.json)
        process.stderr.write(
          `${JSON.stringify({ url: server.url, ...pin, ...(adminToken ? { adminToken } : {}) })}\n`,
        );
      else if (adminToken) process.stderr.write(devBanner(server.url, adminToken, config.dataDir, tls));
      if (tls && !g.json)
        process.stderr.write(`TLS certificate SHA-256 fingerprint: ${tls.fingerprint256}\n`);
      process.stderr.write(`keyward listening on ${server.url}\n`);
      await untilSignal(server);
    });
}
