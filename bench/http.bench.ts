// HTTP benchmark: autocannon against keyward's delegation check endpoint next to a bare node:http
// hello-world (same run, alternating rounds), and batch validation over HTTP in rows/s.
// Run: `npm run bench -- http` (BENCH_SECONDS=N per round, default 5; BENCH_ROUNDS, default 2).
// Each server runs in its own child process (one core); autocannon drives it from this process.
import { createServer } from "node:http";
import { fileURLToPath } from "node:url";
import autocannon from "autocannon";
import { type Child, childCpu, startChild } from "./child-server.js";

const SECONDS = Number(process.env.BENCH_SECONDS ?? "5");
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? "2");
const CONNECTIONS = 32;
const DELEGATORS = 10_000;
const BATCH_ROWS = 131_072;

/** Child mode: a bare node:http hello-world. */
async function serveBare(): Promise<void> {
  const server = createServer((_req, res) => {
    res.setHeader("content-type", "text/plain");
    res.end("hello world");
  });
  server.listen(0, "127.0.0.1", () => {
    const address = server.address();
    process.stdout.write(`READY ${typeof address === "object" && address ? address.port : 0}\n`);
  });
}

/** Child mode: keyward over a fresh SQLite store with DELEGATORS grants and a read token. */
async function serveKeyward(): Promise<void> {
  const { openTestSqliteStorage } = await import("../src/store/testing.js");
  const { createKeyward } = await import("../src/service/keyward.js");
  const { buildApp } = await import("../src/http/app.js");
  const { createLogger } = await import("../src/http/logging.js");
  const test = await openTestSqliteStorage();
  const kw = await createKeyward(test.storage);
  const events = [];
  for (let d = 0; d < DELEGATORS; d++)
    events.push({ op: "grant", delegator: d, provider: "P", scopes: [1, 2, 3], at: 100 + (d % 50) });
  for (let i = 0; i < events.length; i += 5000) await kw.delegations.store.write(events.slice(i, i + 5000));
  const { token } = await kw.tokens.create({ scopes: ["delegations:read"] });
  // Production logs one line per request at `info`; the benchmark measures the API path, so `warn`.
  const app = await buildApp(kw, { logger: createLogger({ level: "warn" }) });
  await app.listen({ host: "127.0.0.1", port: 0 });
  kw.startSync(200);
  const address = app.server.address();
  process.stdout.write(`READY ${typeof address === "object" && address ? address.port : 0} ${token}\n`);
  process.once("SIGTERM", () => {
    app
      .close()
      .then(() => kw.close())
      .then(() => test.cleanup())
      .finally(() => process.exit(0));
  });
}

/** One autocannon round: requests/s of wall time and requests per CPU-second of the server process. */
async function round(child: Child, headers: Record<string, string>, paths: string[]) {
  const c0 = childCpu(child.proc);
  const result = await autocannon({
    url: child.url,
    connections: CONNECTIONS,
    duration: SECONDS,
    headers,
    requests: paths.map((path) => ({ method: "GET", path })),
  });
  const cpu = childCpu(child.proc) - c0;
  if (result.non2xx > 0 || result.errors > 0)
    throw new Error(`benchmark saw ${result.non2xx} non-2xx responses and ${result.errors} errors`);
  return { wall: result.requests.average, perCpu: result.requests.total / cpu };
}

/** A warm-up run (JIT, caches); its figures are discarded. */
async function cannon(url: string, headers: Record<string, string>, paths: string[]): Promise<void> {
  await autocannon({
    url,
    connections: CONNECTIONS,
    duration: 2,
    headers,
    requests: paths.map((path) => ({ method: "GET", path })),
  });
}

function batchCsv(): string {
  const rows = ["delegator,provider,scope,at"];
  for (let i = 0; i < BATCH_ROWS; i++)
    rows.push(`${(i * 7919) % (DELEGATORS * 2)},P,${1 + (i % 4)},${i % 300}`);
  return `${rows.join("\n")}\n`;
}

async function main(): Promise<void> {
  const [bare, kw] = await Promise.all([
    startChild(fileURLToPath(import.meta.url), "--serve-bare"),
    startChild(fileURLToPath(import.meta.url), "--serve-keyward"),
  ]);
  try {
    const checkPaths = Array.from(
      { length: 64 },
      (_, i) =>
        `/v1/delegations/check?delegator=${(i * 337) % DELEGATORS}&provider=P&scope=${1 + (i % 3)}&at=${120 + i}`,
    );
    const auth = { authorization: `Bearer ${kw.token}` };
    await cannon(bare.url, {}, ["/"]);
    await cannon(kw.url, auth, checkPaths);
    const bareRounds: { wall: number; perCpu: number }[] = [];
    const kwRounds: { wall: number; perCpu: number }[] = [];
    for (let r = 0; r < ROUNDS; r++) {
      bareRounds.push(await round(bare, {}, ["/"]));
      kwRounds.push(await round(kw, auth, checkPaths));
    }
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    const fmt = (n: number) => Math.round(n).toLocaleString("en-US").padStart(8);
    const line = (name: string, ours: number, base: number, target: boolean) =>
      `${name.padEnd(60)} ${fmt(ours)} /s  ${ours === base ? "(baseline)" : `${(ours / base).toFixed(2)}× baseline${target ? " (target ≥ 0.50)" : ""}`}`;
    for (const [title, key] of [
      [
        "server requests per CPU-second of the server process (the fair figure on a loaded machine)",
        "perCpu",
      ],
      ["requests per wall-clock second (bounded by the client and other load)", "wall"],
    ] as const) {
      const base = mean(bareRounds.map((x) => x[key]));
      const ours = mean(kwRounds.map((x) => x[key]));
      console.log(
        `\n### HTTP ${title} — ${CONNECTIONS} connections, ${ROUNDS}×${SECONDS} s each, alternating`,
      );
      console.log(line("bare node:http hello-world", base, base, false));
      console.log(line("keyward GET /v1/delegations/check (bearer auth, metrics)", ours, base, true));
      console.log(
        `rounds: bare ${bareRounds.map((x) => Math.round(x[key])).join(", ")}; keyward ${kwRounds.map((x) => Math.round(x[key])).join(", ")}`,
      );
    }

    const csv = batchCsv();
    const times: number[] = [];
    for (let r = 0; r < 5; r++) {
      const t0 = performance.now();
      const res = await fetch(`${kw.url}/v1/delegations/validate`, {
        method: "POST",
        headers: { ...auth, "content-type": "text/csv" },
        body: csv,
      });
      const summary = (await res.json()) as { rows: number };
      times.push(performance.now() - t0);
      if (summary.rows !== BATCH_ROWS)
        throw new Error(`validated ${summary.rows} rows, expected ${BATCH_ROWS}`);
    }
    const best = Math.min(...times);
    console.log(
      `\n### Batch validation over HTTP (${BATCH_ROWS.toLocaleString("en-US")} CSV rows, ${(csv.length / 1e6).toFixed(1)} MB, 5 runs)`,
    );
    console.log(
      `POST /v1/delegations/validate: best ${best.toFixed(0)} ms (${Math.round(BATCH_ROWS / (best / 1000)).toLocaleString("en-US")} rows/s), ` +
        `median ${[...times].sort((a, b) => a - b)[2]!.toFixed(0)} ms, including upload and JSON summary`,
    );
  } finally {
    bare.proc.kill("SIGTERM");
    kw.proc.kill("SIGTERM");
  }
}

const mode = process.argv[2];
if (mode === "--serve-bare") await serveBare();
else if (mode === "--serve-keyward") await serveKeyward();
else await main();
