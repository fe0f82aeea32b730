// Test harness for the HTTP suites: an in-process app over a real SQLite store, captured logs, tokens.
import { Writable } from "node:stream";
import type { FastifyInstance, LightMyRequestResponse } from "fastify";
import { afterEach } from "vitest";
import { type AppOptions, buildApp } from "../src/http/app.js";
import { createLogger } from "../src/http/logging.js";
import { createKeyward, type Keyward, type KeywardOptions } from "../src/service/keyward.js";
import type { Scope } from "../src/service/tokens.js";
import { openTestSqliteStorage, type TestStorage } from "../src/store/testing.js";

/** An app under test with an admin token and every log line it wrote. */
export interface TestApp {
  readonly app: FastifyInstance;
  readonly kw: Keyward;
  readonly adminToken: string;
  readonly logs: string[];
  /** The SQLite file behind the app (tests open a second, read-only connection to watch commits). */
  readonly dbPath: string;
  /** Creates a token and remembers it for the log leak check. */
  token(scopes: Scope[], partition?: string): Promise<string>;
  /** Every token created through `token()` (and the admin token). */
  readonly issued: string[];
  request(
    method: string,
    url: string,
    opts?: {
      token?: string | undefined;
      body?: unknown;
      headers?: Record<string, string>;
      contentType?: string | undefined;
    },
  ): Promise<LightMyRequestResponse>;
  close(): Promise<void>;
}

/** Starts an app over a fresh SQLite store in a temp dir (`options` go to `createKeyward`). */
export async function startTestApp(options: KeywardOptions = {}): Promise<TestApp> {
  const test = await openTestSqliteStorage();
  const kw = await createKeyward(test.storage, { tokenCacheMs: 0, ...options });
  const logs: string[] = [];
  const stream = new Writable({
    write(chunk, _enc, cb) {
      logs.push(String(chunk));
      cb();
    },
  });
  // Limits off: these suites send thousands of bad tokens from one address on purpose (limits.test.ts covers them).
  const app = await buildApp(kw, { logger: createLogger({ level: "debug", stream }), limits: false });
  const issued: string[] = [];
  const token = async (scopes: Scope[], partition?: string) => {
    const created = await kw.tokens.create({ scopes, partition: partition ?? null });
    issued.push(created.token);
    return created.token;
  };
  const adminToken = await token(["admin"]);
  return {
    app,
    kw,
    adminToken,
    logs,
    dbPath: test.dbUrl.slice("sqlite:".length),
    issued,
    token,
    request(method, url, opts = {}) {
      const headers: Record<string, string> = { ...(opts.headers ?? {}) };
      if (opts.token !== undefined) headers.authorization = `Bearer ${opts.token}`;
      if (opts.contentType !== undefined) headers["content-type"] = opts.contentType;
      return app.inject({
        method: method as "GET",
        url,
        headers,
        ...(opts.body !== undefined ? { payload: opts.body as object } : {}),
      });
    },
    async close() {
      await app.close();
      await kw.close();
      await test.cleanup();
    },
  };
}

/**
 * Call at a test file's top level: returns `open(options)`, an app with silent logs (and `options`: limits,
 * trusted proxies …) over a fresh SQLite store whose tokens are never cached, closed with its store after each
 * test.
 */
export function appsPerTest(): (options: AppOptions) => Promise<{ app: FastifyInstance; kw: Keyward }> {
  const opened: { app: FastifyInstance; kw: Keyward; t: TestStorage }[] = [];
  afterEach(async () => {
    for (const o of opened.splice(0)) {
      await o.app.close();
      await o.kw.close();
      await o.t.cleanup();
    }
  });
  return async (options) => {
    const t = await openTestSqliteStorage();
    const kw = await createKeyward(t.storage, { tokenCacheMs: 0 });
    const app = await buildApp(kw, { logger: createLogger({ level: "silent" }), ...options });
    opened.push({ app, kw, t });
    return { app, kw };
  };
}

/** Strings that must never appear in a log: each value raw, hex, base64 and base64url. */
export function leakForms(values: readonly (string | Uint8Array)[]): string[] {
  const out: string[] = [];
  for (const v of values) {
    const bytes = typeof v === "string" ? Buffer.from(v, "utf8") : Buffer.from(v);
    if (typeof v === "string") out.push(v);
    out.push(bytes.toString("hex"), bytes.toString("base64"), bytes.toString("base64url"));
  }
  return out.filter((s) => s.length >= 16);
}
