// Storage benchmark: sealed secret writes/reads per second on SQLite and Postgres next to plain (unsealed) state
// writes/reads in the same run, auto-commit and batched in transactions; plus the secret AEAD choice.
// Run: `npm run bench -- store`. Every figure is measured in this run; ratios compare within the run.
import { xchacha20poly1305 } from "@noble/ciphers/chacha.js";
import { aesGcmOpen, aesGcmSeal } from "../src/crypto/aead.js";
import { concatBytes } from "../src/crypto/bytes.js";
import { randomBytes } from "../src/crypto/random.js";
import { Secret } from "../src/crypto/secret.js";
import type { Storage } from "../src/store/ports.js";
import { secretAad } from "../src/store/sealing/keyring.js";
import { openTestPostgresStorage, openTestSqliteStorage, type TestStorage } from "../src/store/testing.js";

const SCALE = Number(process.env.BENCH_SCALE ?? "1");
const ROUNDS = 3;

type Case = [name: string, run: (round: number) => Promise<number>];

/** Runs each case ROUNDS times (alternating) and keeps its best ops/s; the first case is the baseline. */
async function compare(title: string, cases: Case[]): Promise<void> {
  const best = cases.map(() => 0);
  for (let r = 0; r < ROUNDS; r++) {
    for (const [j, [, run]] of cases.entries()) best[j] = Math.max(best[j]!, await run(r));
  }
  console.log(`\n### ${title}`);
  for (const [j, [name]] of cases.entries()) {
    const ops = best[j]!;
    const ratio = j === 0 ? "  (baseline)" : `  ${(ops / best[0]!).toFixed(2)}× baseline`;
    console.log(`${name.padEnd(60)} ${Math.round(ops).toLocaleString("en-US").padStart(10)} /s${ratio}`);
  }
}

/** ops/s of `n` sequential awaited calls. */
async function timed(n: number, fn: (i: number) => Promise<unknown>): Promise<number> {
  const start = performance.now();
  for (let i = 0; i < n; i++) await fn(i);
  return (n * 1000) / (performance.now() - start);
}

/** ops/s of `n` calls with `parallel` in flight at once (what a server with many requests does). */
async function timedParallel(
  n: number,
  parallel: number,
  fn: (i: number) => Promise<unknown>,
): Promise<number> {
  const start = performance.now();
  let next = 0;
  await Promise.all(
    Array.from({ length: parallel }, async () => {
      while (next < n) await fn(next++);
    }),
  );
  return (n * 1000) / (performance.now() - start);
}

/** ops/s of `n` writes batched `batch` per transaction. */
async function timedBatched(
  s: Storage,
  n: number,
  batch: number,
  fn: (tx: Parameters<Parameters<Storage["transaction"]>[0]>[0], i: number) => Promise<unknown>,
): Promise<number> {
  const start = performance.now();
  for (let i = 0; i < n; i += batch)
    await s.transaction(async (tx) => {
      for (let k = i; k < Math.min(n, i + batch); k++) await fn(tx, k);
    });
  return (n * 1000) / (performance.now() - start);
}

const values = Array.from({ length: 256 }, () => randomBytes(32));
const secrets = values.map((v) => Secret.from(v));

async function storeCases(label: string, t: TestStorage, n: number, parallel: number): Promise<void> {
  const s = t.storage;
  const name = (r: number, i: number) => `r${r}-${String(i).padStart(7, "0")}`;
  await compare(`${label}: writes (32-byte values, ${n} per case)`, [
    [
      "plain state put, auto-commit",
      (r) => timed(n, (i) => s.state.put("bench.state", name(r, i), values[i & 255]!)),
    ],
    [
      "sealed secret put, auto-commit",
      (r) => timed(n, (i) => s.secrets.put("bench", name(r, i), secrets[i & 255]!)),
    ],
    [
      `sealed secret put, auto-commit, ${parallel} in flight`,
      (r) => timedParallel(n, parallel, (i) => s.secrets.put("bench.p", name(r, i), secrets[i & 255]!)),
    ],
    [
      "plain state put, 1000 per transaction",
      (r) =>
        timedBatched(s, n, 1000, (tx, i) => tx.state.put("bench.state.tx", name(r, i), values[i & 255]!)),
    ],
    [
      "sealed secret put, 1000 per transaction",
      (r) => timedBatched(s, n, 1000, (tx, i) => tx.secrets.put("bench.tx", name(r, i), secrets[i & 255]!)),
    ],
  ]);
  await compare(`${label}: reads (${n} per case)`, [
    ["plain state get", (r) => timed(n, (i) => s.state.get("bench.state", name(r, i)))],
    ["sealed secret get (open + Secret)", (r) => timed(n, (i) => s.secrets.get("bench", name(r, i)))],
    [
      `sealed secret get, ${parallel} in flight`,
      (r) => timedParallel(n, parallel, (i) => s.secrets.get("bench", name(r, i))),
    ],
  ]);
}

function aeadCases(): Case[] {
  const key = randomBytes(32);
  const aad = secretAad("custody.msk", "partition/acme", 1);
  const sealLoop =
    (seal: (v: Uint8Array) => Uint8Array, open: (c: Uint8Array) => Uint8Array | undefined) => () => {
      const n = 50_000 * SCALE;
      const start = performance.now();
      for (let i = 0; i < n; i++) if (!open(seal(values[i & 255]!))) throw new Error("open failed");
      return Promise.resolve((n * 1000) / (performance.now() - start));
    };
  return [
    [
      "AES-256-GCM (node:crypto), random 96-bit nonce",
      sealLoop(
        (v) => {
          const nonce = randomBytes(12);
          return concatBytes(nonce, aesGcmSeal(key, nonce, v, aad));
        },
        (c) => aesGcmOpen(key, c.subarray(0, 12), c.subarray(12), aad),
      ),
    ],
    [
      "XChaCha20-Poly1305 (@noble/ciphers), random 192-bit nonce",
      sealLoop(
        (v) => {
          const nonce = randomBytes(24);
          return concatBytes(nonce, xchacha20poly1305(key, nonce, aad).encrypt(v));
        },
        (c) => xchacha20poly1305(key, c.subarray(0, 24), aad).decrypt(c.subarray(24)),
      ),
    ],
  ];
}

console.log("machine: shared by other engineers' test runs; compare ratios within this run");
await compare("secret AEAD: seal + open of a 32-byte secret with its AAD", aeadCases());

const lite = await openTestSqliteStorage();
try {
  await storeCases("SQLite (WAL, synchronous=NORMAL)", lite, 20_000 * SCALE, 8);
} finally {
  await lite.cleanup();
}
const pg = await openTestPostgresStorage();
try {
  await storeCases("PostgreSQL (local server, pool of 4)", pg, 2_000 * SCALE, 4);
} finally {
  await pg.cleanup();
}
