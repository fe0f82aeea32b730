// Sealed secret writes over HTTP (`PUT /v1/secrets/:name`) on two `keyward serve` instances sharing one
// PostgreSQL schema, 32 clients, next to the same-run single-instance figure; CPU of servers, PG and load generator.
// Run: `npm run bench -- pg-sealed` (BENCH_SECONDS per round, default 6; BENCH_ROUNDS, default 2).
import type { ChildProcess } from "node:child_process";
import { loadavg } from "node:os";
import { type Load, loadAll, postgresCpu, processCpu, serveTwoOnPostgres } from "./serve-cli.js";

const SECONDS = Number(process.env.BENCH_SECONDS ?? "6");
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? "2");
const CLIENTS = 32; // in all: split evenly over the instances of a round
const NAMES = 4096;

interface Round {
  readonly writes: number;
  readonly p99: number;
  readonly non2xx: number;
  /** CPU seconds per 1,000 writes: keyward servers, PostgreSQL, the load generator (this process). */
  readonly server: number;
  readonly pg: number;
  readonly client: number;
}

/** What a round sends by default: a sealed PUT of a 32-byte value. */
const PUT: Load = {
  method: "PUT",
  path: (n) => `/v1/secrets/s${n % NAMES}`,
  body: JSON.stringify({ value: "0123456789abcdef0123456789abcdef", encoding: "utf8" }),
};
// The same-run floor: an HTTP request that reads one PG row (the readiness probe), no auth, no body, no seal.
const HEALTH: Load = { method: "GET", path: () => "/healthz" };

/** One round: CLIENTS connections spread over `urls` for SECONDS. */
async function round(
  urls: readonly string[],
  servers: readonly ChildProcess[],
  token: string,
  load: Load = PUT,
): Promise<Round> {
  const pids = servers.map((p) => p.pid!);
  const s0 = processCpu(pids);
  const pg0 = postgresCpu();
  const c0 = process.cpuUsage();
  const results = await loadAll(urls, CLIENTS, SECONDS, token, load);
  const c = process.cpuUsage(c0);
  const ok = results.reduce((a, r) => a + r["2xx"], 0);
  const per1k = (cpu: number) => (cpu * 1000) / Math.max(ok, 1);
  return {
    writes: ok / SECONDS,
    p99: Math.max(...results.map((r) => r.latency.p99)),
    non2xx: results.reduce((a, r) => a + r.non2xx + r.errors, 0),
    server: per1k(processCpu(pids) - s0),
    pg: per1k(postgresCpu() - pg0),
    client: per1k((c.user + c.system) / 1e6),
  };
}

const mean = (xs: readonly Round[], k: keyof Round) => xs.reduce((s, x) => s + x[k], 0) / xs.length;

function line(name: string, xs: readonly Round[], base: number): string {
  const w = mean(xs, "writes");
  const cpu = mean(xs, "server") + mean(xs, "pg") + mean(xs, "client");
  const f = (k: keyof Round) => mean(xs, k).toFixed(3);
  return `${name.padEnd(34)} ${Math.round(w).toLocaleString("en-US").padStart(7)} writes/s ${(w / base).toFixed(2)}×  p99 ${Math.round(mean(xs, "p99")).toString().padStart(4)} ms  non-2xx ${xs.reduce((s, x) => s + x.non2xx, 0)}  CPU-s/1k writes: keyward ${f("server")} + PG ${f("pg")} + load ${f("client")} → ${Math.round(1000 / cpu).toLocaleString("en-US")} writes per CPU-second`;
}

async function main(): Promise<void> {
  const { a, b, token, close } = await serveTwoOnPostgres("keyward-bench-pgsealed-");
  const procs = [a.proc, b.proc];
  try {
    const load0 = loadavg()[0]!;
    await round([a.url, b.url], procs, token); // warm-up (JIT, pools, the keyring unseal); discarded
    const one: Round[] = [];
    const two: Round[] = [];
    const health: Round[] = [];
    for (let r = 0; r < ROUNDS; r++) {
      one.push(await round([a.url], [a.proc], token));
      two.push(await round([a.url, b.url], procs, token));
      health.push(await round([a.url], [a.proc], token, HEALTH));
    }
    console.log(
      `\n### PUT /v1/secrets/:name (sealed, 32-byte values, ${NAMES} names) on PostgreSQL, ${CLIENTS} clients, ${ROUNDS}×${SECONDS} s alternating; load average ${load0.toFixed(2)} → ${loadavg()[0]!.toFixed(2)}`,
    );
    const baseW = mean(one, "writes");
    console.log(line("one instance (baseline)", one, baseW));
    console.log(line("two instances, one PG schema", two, baseW));
    const floor = mean(health, "server");
    console.log(
      `GET /healthz, one instance (floor)  ${Math.round(mean(health, "writes")).toLocaleString("en-US").padStart(7)} requests/s  keyward CPU ${(floor * 1000).toFixed(0)} µs/request; a sealed PUT costs ${(mean(one, "server") / floor).toFixed(2)}× that (one instance), ${(mean(two, "server") / floor).toFixed(2)}× (two)`,
    );
    console.log(
      `rounds (writes/s): one ${one.map((x) => Math.round(x.writes)).join(", ")}; two ${two.map((x) => Math.round(x.writes)).join(", ")}`,
    );
  } finally {
    await close();
  }
}

await main();
