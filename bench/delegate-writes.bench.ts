// Secret writes to ONE delegate over HTTP on two `keyward serve` instances sharing PostgreSQL (64 clients), next
// to the same-run baseline: the same writes spread over 64 delegates (no per-delegate contention at all).
// Run: `npm run bench -- delegate-writes` (BENCH_SECONDS per round, default 8; BENCH_ROUNDS, default 2).
import { formatCertificate } from "../src/delegates/certificate.js";
import { certifyVersion, newAppKey } from "../src/delegates/test-support.js";
import { call, loadAll, serveTwoOnPostgres } from "./serve-cli.js";

const SECONDS = Number(process.env.BENCH_SECONDS ?? "8");
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? "2");
const CLIENTS = 64; // split evenly over the two instances
const DELEGATES = 64;
const NAMES = 1024;

interface Round {
  readonly writes: number;
  readonly p99: number;
  readonly non2xx: number;
  readonly s5xx: number;
}

/** One round: CLIENTS/2 connections per instance for SECONDS, each request a PUT of a 32-byte secret. */
async function round(urls: readonly string[], token: string, path: (n: number) => string): Promise<Round> {
  const body = JSON.stringify({ value: "0123456789abcdef0123456789abcdef", encoding: "utf8" });
  const results = await loadAll(urls, CLIENTS, SECONDS, token, { method: "PUT", path, body });
  return {
    writes: results.reduce((a, r) => a + r["2xx"], 0) / SECONDS,
    p99: Math.max(...results.map((r) => r.latency.p99)),
    non2xx: results.reduce((a, r) => a + r.non2xx + r.errors, 0),
    s5xx: results.reduce((a, r) => a + r["5xx"], 0),
  };
}

async function main(): Promise<void> {
  const { a, b, token, close } = await serveTwoOnPostgres("keyward-bench-writes-");
  try {
    const appKey = newAppKey();
    await call(`${a.url}/v1/apps`, "POST", token, { name: "bench", publicKey: appKey.hex });
    const keys: string[] = [];
    for (let v = 1; v <= DELEGATES; v++) {
      const cert = formatCertificate(certifyVersion(appKey, "bench", v));
      keys.push(
        (
          (await call(`${b.url}/v1/delegates`, "POST", token, { certificate: cert })) as {
            delegateKey: string;
          }
        ).delegateKey,
      );
    }
    const one = (n: number) => `/v1/delegates/${keys[0]}/secrets/s${n % NAMES}`;
    const spread = (n: number) => `/v1/delegates/${keys[n % DELEGATES]}/secrets/s${(n >> 6) % NAMES}`;
    const urls = [a.url, b.url];
    await round(urls, token, spread); // warm-up (JIT, pools); discarded
    const oneRounds: Round[] = [];
    const spreadRounds: Round[] = [];
    for (let r = 0; r < ROUNDS; r++) {
      spreadRounds.push(await round(urls, token, spread));
      oneRounds.push(await round(urls, token, one));
    }
    const mean = (xs: readonly Round[], k: keyof Round) => xs.reduce((s, x) => s + x[k], 0) / xs.length;
    const sum = (xs: readonly Round[], k: keyof Round) => xs.reduce((s, x) => s + x[k], 0);
    const baseW = mean(spreadRounds, "writes");
    const baseP = mean(spreadRounds, "p99");
    console.log(
      `\n### PUT /v1/delegates/:key/secrets/:name — 2 instances on one PostgreSQL schema, ${CLIENTS} clients, ${ROUNDS}×${SECONDS} s, alternating`,
    );
    const line = (name: string, xs: readonly Round[]) => {
      const w = mean(xs, "writes");
      const p = mean(xs, "p99");
      return `${name.padEnd(44)} ${Math.round(w).toLocaleString("en-US").padStart(7)} writes/s ${(w / baseW).toFixed(2)}× baseline  p99 ${Math.round(p).toString().padStart(5)} ms ${(p / baseP).toFixed(2)}× baseline  non-2xx ${sum(xs, "non2xx")} (5xx ${sum(xs, "s5xx")})`;
    };
    console.log(line(`${DELEGATES} delegates (baseline)`, spreadRounds));
    console.log(line("one delegate", oneRounds));
    console.log(
      `rounds (writes/s): spread ${spreadRounds.map((x) => Math.round(x.writes)).join(", ")}; one ${oneRounds.map((x) => Math.round(x.writes)).join(", ")}`,
    );
  } finally {
    await close();
  }
}

await main();
