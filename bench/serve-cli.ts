// Benchmark helpers for real `keyward` processes: run a CLI command, start `keyward serve`, read CPU time.
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import autocannon from "autocannon";
import { newKeyFileContent } from "../src/store/sealing/unseal.js";
import { dropTestSchema, newTestSchema, testPostgresUrl } from "../src/store/testing.js";

const CLI = ["--import", "tsx", "src/cli/main.ts"];

/**
 * The environment of a bench child: no KEYWARD_* variable of the caller, warn-level logs, and a request budget
 * the load cannot exhaust (the limiter stays on, so its cost is part of the figure).
 */
export function benchEnv(): NodeJS.ProcessEnv {
  const out: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith("KEYWARD_")) out[k] = v;
  return { ...out, KEYWARD_LOG_LEVEL: "warn", KEYWARD_RATE_LIMIT: "999999999" };
}

/** Runs `keyward <args>` to completion; resolves with its stdout. */
export function cli(args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, [...CLI, ...args], {
      env: benchEnv(),
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    let err = "";
    proc.stdout.on("data", (d) => {
      out += String(d);
    });
    proc.stderr.on("data", (d) => {
      err += String(d);
    });
    proc.on("exit", (code) => (code === 0 ? resolve(out) : reject(new Error(`${args.join(" ")}: ${err}`))));
  });
}

/** Starts `keyward <args> serve --port 0`; resolves once it listens, with its process and base URL. */
export function serve(args: string[]): Promise<{ proc: ChildProcess; url: string }> {
  const proc = spawn(process.execPath, [...CLI, ...args, "serve", "--port", "0"], {
    env: benchEnv(),
    stdio: ["ignore", "ignore", "pipe"],
  });
  return new Promise((resolve, reject) => {
    let err = "";
    proc.stderr!.on("data", (d) => {
      err += String(d);
      const m = /keyward listening on (\S+)/.exec(err);
      if (m) resolve({ proc, url: m[1]! });
    });
    proc.once("exit", (code) => reject(new Error(`serve exited ${code}: ${err}`)));
  });
}

/** Two `keyward serve` instances over one PostgreSQL schema, with an admin token. */
export interface ServedPair {
  readonly a: { readonly proc: ChildProcess; readonly url: string };
  readonly b: { readonly proc: ChildProcess; readonly url: string };
  readonly token: string;
  /** Stops both servers, drops the schema and removes the data dir. */
  close(): Promise<void>;
}

/**
 * A fresh data dir (`prefix` in the temp dir) with a key file, a new test schema, `init`, an admin token and
 * two `serve` instances sharing it all. Everything is removed again if any step fails.
 */
export async function serveTwoOnPostgres(prefix: string): Promise<ServedPair> {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  const schema = newTestSchema();
  const keyFile = join(dir, "unseal.key");
  writeFileSync(keyFile, newKeyFileContent(), { mode: 0o600 });
  const base = ["--data", dir, "--db", testPostgresUrl(schema), "--key-file", keyFile];
  const servers: ChildProcess[] = [];
  const close = async () => {
    for (const p of servers) p.kill("SIGTERM");
    await new Promise((r) => setTimeout(r, 500));
    await dropTestSchema(schema).catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await cli([...base, "init"]);
    const token = JSON.parse(await cli([...base, "--json", "token", "create", "--scope", "admin"])).token;
    const [a, b] = await Promise.all([serve(base), serve(base)]);
    servers.push(a.proc, b.proc);
    return { a, b, token, close };
  } catch (err) {
    await close();
    throw err;
  }
}

/** What a round sends: the method, the path of the n-th request, and a body (JSON text) if any. */
export interface Load {
  readonly method: "PUT" | "GET";
  readonly path: (n: number) => string;
  readonly body?: string;
}

/**
 * `clients` connections spread evenly over `urls` for `seconds`, every request `load` with `token` as bearer
 * (the paths numbered across all URLs); resolves with one autocannon result per URL.
 */
export function loadAll(
  urls: readonly string[],
  clients: number,
  seconds: number,
  token: string,
  load: Load,
): Promise<autocannon.Result[]> {
  let n = 0;
  return Promise.all(
    urls.map((url) =>
      autocannon({
        url,
        connections: clients / urls.length,
        duration: seconds,
        headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
        requests: [
          {
            method: load.method,
            ...(load.body === undefined ? {} : { body: load.body }),
            setupRequest: (req) => ({ ...req, path: load.path(n++) }),
          },
        ],
      }),
    ),
  );
}

/** A JSON request with a bearer token; throws on a status ≥ 300. */
export async function call(url: string, method: string, token: string, body: unknown): Promise<unknown> {
  const res = await fetch(url, {
    method,
    headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  if (res.status >= 300) throw new Error(`${method} ${url}: ${res.status} ${await res.text()}`);
  return res.json();
}

function statCpu(pid: number | string): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]!.split(" ");
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return 0; // the process ended between listing and reading
  }
}

/** CPU seconds (user + system) used so far by the processes `pids` (Linux /proc). */
export function processCpu(pids: readonly number[]): number {
  return pids.reduce((s, p) => s + statCpu(p), 0);
}

/**
 * CPU seconds used so far by every local PostgreSQL server process (backends included), or NaN when none is
 * visible (a remote server). Backends that exited in between are not counted: take deltas over one round.
 */
export function postgresCpu(): number {
  let total = 0;
  let seen = false;
  for (const pid of readdirSync("/proc")) {
    if (!/^\d+$/.test(pid)) continue;
    let comm = "";
    try {
      comm = readFileSync(`/proc/${pid}/comm`, "utf8").trim();
    } catch {
      continue;
    }
    if (comm !== "postgres") continue;
    seen = true;
    total += statCpu(pid);
  }
  return seen ? total : Number.NaN;
}
