// HTTP sign route benchmark: POST …/identities/{identity}/sign through keyward (token auth + audited
// Custody.sign on SQLite) next to the same route with auth and audit off (a Fastify route calling Custody.sign
// with a no-op audit sink), same run, alternating rounds; each server in its own child process.
// Run: `npm run bench -- custody-http` (BENCH_SECONDS per round, default 5; BENCH_ROUNDS, default 2).
import { fileURLToPath } from "node:url";
import autocannon from "autocannon";
import { type Child, childCpu, startChild } from "./child-server.js";

const SECONDS = Number(process.env.BENCH_SECONDS ?? "5");
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? "2");
const CONNECTIONS = 32;
const PATH = "/v1/partitions/bench/identities/user:bench/sign";

async function serve(audited: boolean): Promise<void> {
  const { openTestSqliteStorage } = await import("../src/store/testing.js");
  const test = await openTestSqliteStorage();
  let port = 0;
  let token = "";
  if (audited) {
    const { createKeyward } = await import("../src/service/keyward.js");
    const { buildApp } = await import("../src/http/app.js");
    const { createLogger } = await import("../src/http/logging.js");
    const kw = await createKeyward(test.storage);
    await kw.custody.createPartition("bench");
    token = (await kw.tokens.create({ scopes: ["custody:sign"], partition: "bench" })).token;
    const app = await buildApp(kw, { logger: createLogger({ level: "warn" }), limits: false });
    await app.listen({ host: "127.0.0.1", port: 0 });
    port = (app.server.address() as { port: number }).port;
  } else {
    const { default: Fastify } = await import("fastify");
    const { Custody } = await import("../src/custody/custody.js");
    const { hexToBytes } = await import("../src/crypto/bytes.js");
    const custody = new Custody(test.storage, { audit: { append: async () => undefined } });
    await custody.createPartition("bench");
    const app = Fastify({ logger: false });
    app.post<{ Params: { partition: string; identity: string }; Body: { message: string } }>(
      "/v1/partitions/:partition/identities/:identity/sign",
      {
        schema: {
          body: {
            type: "object",
            required: ["message"],
            properties: { message: { type: "string", maxLength: 1_048_576 } },
          },
        },
      },
      async (req) =>
        custody.sign(
          { partition: req.params.partition, identity: req.params.identity },
          hexToBytes(req.body.message, "body.message"),
        ),
    );
    await app.listen({ host: "127.0.0.1", port: 0 });
    port = (app.server.address() as { port: number }).port;
  }
  process.once("SIGTERM", () => void test.cleanup().finally(() => process.exit(0)));
  process.stdout.write(`READY ${port} ${token}\n`);
}

async function round(child: Child, seconds: number) {
  const c0 = childCpu(child.proc);
  const headers: Record<string, string> = { "content-type": "application/json" };
  if (child.token) headers.authorization = `Bearer ${child.token}`;
  const result = await autocannon({
    url: child.url,
    connections: CONNECTIONS,
    duration: seconds,
    requests: Array.from({ length: 16 }, (_, i) => ({
      method: "POST" as const,
      path: PATH,
      headers,
      body: JSON.stringify({ message: Buffer.from(`bench message ${i}`).toString("hex") }),
    })),
  });
  const cpu = childCpu(child.proc) - c0;
  if (result.non2xx > 0 || result.errors > 0)
    throw new Error(`benchmark saw ${result.non2xx} non-2xx responses and ${result.errors} errors`);
  return { wall: result.requests.average, perCpu: result.requests.total / cpu };
}

async function main(): Promise<void> {
  const [plain, audited] = await Promise.all([
    startChild(fileURLToPath(import.meta.url), "--serve-plain"),
    startChild(fileURLToPath(import.meta.url), "--serve-audited"),
  ]);
  try {
    await round(plain, 2);
    await round(audited, 2);
    const p: { wall: number; perCpu: number }[] = [];
    const a: { wall: number; perCpu: number }[] = [];
    for (let r = 0; r < ROUNDS; r++) {
      p.push(await round(plain, SECONDS));
      a.push(await round(audited, SECONDS));
    }
    const mean = (xs: number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;
    const fmt = (n: number) => Math.round(n).toLocaleString("en-US").padStart(8);
    for (const [title, key] of [
      ["requests per CPU-second of the server process", "perCpu"],
      ["requests per wall-clock second", "wall"],
    ] as const) {
      const base = mean(p.map((x) => x[key]));
      const ours = mean(a.map((x) => x[key]));
      console.log(
        `\n### HTTP sign route, ${title} — ${CONNECTIONS} connections, ${ROUNDS}×${SECONDS} s, alternating`,
      );
      console.log(
        `${"sign route, auth and audit off (same Custody.sign)".padEnd(60)} ${fmt(base)} /s  (baseline)`,
      );
      console.log(
        `${"sign route, token auth + audited (keyward app, SQLite)".padEnd(60)} ${fmt(ours)} /s  ${(ours / base).toFixed(2)}× baseline (target ≥ 0.50)`,
      );
    }
  } finally {
    plain.proc.kill("SIGTERM");
    audited.proc.kill("SIGTERM");
  }
}

const mode = process.argv[2];
if (mode === "--serve-plain") await serve(false);
else if (mode === "--serve-audited") await serve(true);
else await main();
