// Cold-start benchmark (issue 12): `keyward delegations check` and `delegations validate` as whole processes on a
// 200,000-delegator data dir, next to the sqlite3 CLI doing the same join over an indexed intervals table and a
// bare `node -e 0`, in the same run. Run: `npm run bench -- cold-start` (BENCH_COLD_DELEGATORS, default 200,000).
// Runs bin/keyward.js, which runs the CLI bundle (dist/cli/, rebuilt here by `npm run build` when older than src/)
// as an installed package does; for comparison, in the same run: the unbundled tsc output (dist/src/) and a data
// dir whose snapshot is stored as 1 MiB chunks in SQLite (as before the snapshot file). Installs the sqlite3 CLI
// with apt when it is missing.
import { spawnSync } from "node:child_process";
import {
  copyFileSync,
  cpSync,
  createReadStream,
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { DelegationStore } from "../src/delegations/delegation-store.js";
import { importEvents } from "../src/delegations/import-events.js";
import { SNAPSHOT_CHUNK_BYTES, writeIndexSnapshot } from "../src/delegations/snapshot-store.js";
import { initializeStorage, openStorage } from "../src/store/open.js";
import { deriveRootKey, newRootKeyParams } from "../src/store/sealing/root-key.js";
import { writeMainnetFile } from "./mainnet-events.js";

const DELEGATORS = Number(process.env.BENCH_COLD_DELEGATORS ?? "200000");
const RUNS = 5;
const ROWS = 131_072;
const PASSPHRASE = "bench passphrase";
const dir = mkdtempSync(join(tmpdir(), "keyward-bench-cold-"));
const data = join(dir, "data");
const fmt = (n: number) => Math.round(n).toLocaleString("en-US");
const line = (label: string, value: string, note = "") =>
  console.log(`${label.padEnd(58)} ${value.padStart(18)}  ${note}`);

/** CPU seconds of this process's waited-for children so far (cutime + cstime, /proc/self/stat). */
function childrenCpu(): number {
  const f = readFileSync("/proc/self/stat", "utf8").split(") ")[1]!.split(" ");
  return (Number(f[13]) + Number(f[14])) / 100;
}

/** Median wall ms and mean CPU ms of RUNS runs of a command (`before` runs untimed before each). */
function measure(cmd: string, args: string[], opts: { input?: string; before?: () => void } = {}) {
  const walls: number[] = [];
  let cpu = 0;
  let out = "";
  for (let r = 0; r < RUNS; r++) {
    opts.before?.();
    const c0 = childrenCpu();
    const t0 = performance.now();
    const res = spawnSync(cmd, args, {
      input: opts.input,
      encoding: "utf8",
      env: { ...process.env, KEYWARD_PASSPHRASE: PASSPHRASE },
    });
    walls.push(performance.now() - t0);
    cpu += childrenCpu() - c0;
    if (res.status !== 0) throw new Error(`${cmd} ${args.join(" ")} failed: ${res.stderr}`);
    out = res.stdout.trim();
  }
  walls.sort((a, b) => a - b);
  return { wall: walls[RUNS >> 1]!, cpu: (cpu * 1000) / RUNS, out };
}

function newest(path: string): number {
  let max = 0;
  for (const e of readdirSync(path, { withFileTypes: true }))
    max = Math.max(max, e.isDirectory() ? newest(join(path, e.name)) : statSync(join(path, e.name)).mtimeMs);
  return max;
}

function ensureBuilt(): void {
  const main = "dist/cli/main.js";
  if (!existsSync(main) || newest("src") > statSync(main).mtimeMs) {
    const r = spawnSync("npm", ["run", "build"], { stdio: "inherit" });
    if (r.status !== 0) throw new Error("build failed");
  }
}

function ensureSqlite3(): void {
  if (spawnSync("sqlite3", ["--version"]).status === 0) return;
  spawnSync("apt-get", ["install", "-y", "sqlite3"], { stdio: "inherit" });
  if (spawnSync("sqlite3", ["--version"]).status !== 0) throw new Error("sqlite3 CLI not available");
}

/** A CSV batch of `n` rows (about 1 in 7 authorized) in the bench dir; returns its path. */
function writeBatch(name: string, n: number): string {
  const path = join(dir, name);
  const rows = ["delegator,provider,scope,at"];
  for (let i = 0; i < n; i++) {
    const d = 10_000 + ((i * 7919) % (DELEGATORS + DELEGATORS / 10));
    rows.push(`${d},${1 + ((d - 10_000) % 60)},${1 + (i % 12)},${1_000_000 + ((i * 13) % (3 * DELEGATORS))}`);
  }
  writeFileSync(path, `${rows.join("\n")}\n`);
  return path;
}

/** The sqlite3 CLI script: `.import` the CSV, then the indexed join counting authorized rows. */
function joinScript(csv: string): string {
  return [
    ".mode csv",
    `.import ${csv} batch`,
    "SELECT count(*), sum(ok) FROM (SELECT EXISTS (SELECT 1 FROM iv WHERE iv.delegator = CAST(b.delegator AS INTEGER)" +
      " AND iv.provider = CAST(b.provider AS INTEGER) AND iv.scope = CAST(b.scope AS INTEGER)" +
      " AND iv.start <= CAST(b.at AS INTEGER) AND CAST(b.at AS INTEGER) < iv.until) AS ok FROM batch b);",
  ].join("\n");
}

try {
  ensureBuilt();
  ensureSqlite3();
  // The data dir as a user has it after `keyward init`, `delegations import` and a snapshot.
  const events = join(dir, "events.ndjson");
  const count = await writeMainnetFile(events, DELEGATORS);
  await initializeStorage({ dataDir: data, unseal: { passphrase: PASSPHRASE } });
  const storage = await openStorage({ dataDir: data, unseal: { passphrase: PASSPHRASE }, lazyUnseal: true });
  const store = await DelegationStore.open(storage);
  await importEvents(store, { open: () => createReadStream(events) });
  const snap = await store.snapshot();
  // The same intervals as an indexed table for the sqlite3 CLI.
  const db = new Database(join(dir, "intervals.db"));
  db.exec(
    "CREATE TABLE iv (delegator INTEGER, provider INTEGER, scope INTEGER, start INTEGER, until INTEGER)",
  );
  const insert = db.prepare("INSERT INTO iv VALUES (?, ?, ?, ?, ?)");
  const index = store.index;
  db.transaction(() => {
    for (let k = 0; k < index.keyCount; k++) {
      const [d, p, s] = index.keyIds(k);
      for (const i of index.keyHistory(k).intervals)
        insert.run(d, p, s, i.from, i.until ?? Number.MAX_SAFE_INTEGER);
    }
  })();
  db.exec("CREATE INDEX iv_key ON iv (delegator, provider, scope, start)");
  db.close();
  await storage.close();
  // The same store with its snapshot as 1 MiB chunks in the database (what the previous version wrote).
  const chunked = join(dir, "chunked");
  cpSync(data, chunked, { recursive: true });
  {
    const s = await openStorage({ dataDir: chunked, unseal: { passphrase: PASSPHRASE }, lazyUnseal: true });
    await writeIndexSnapshot(s, store.index, { chunkBytes: SNAPSHOT_CHUNK_BYTES });
    await s.close();
    rmSync(join(chunked, "keyward.db-derived"), { recursive: true, force: true });
  }
  const csv = writeBatch("batch.csv", ROWS);

  console.log(
    `### ${fmt(DELEGATORS)} delegators, ${fmt(count)} events, ${fmt(index.keyCount)} keys; snapshot ${(snap.bytes / 1e6).toFixed(1)} MB; median of ${RUNS} runs (CPU: mean, user + system)`,
  );
  const run = (entry: string, dataDir: string, ...args: string[]) =>
    measure(process.execPath, [entry, "--data", dataDir, ...args]);
  const kw = (...args: string[]) => run("bin/keyward.js", data, ...args);
  const checkArgs = ["delegations", "check", "--delegator", "10005", "--provider", "6", "--scope", "3"];
  const bare = measure(process.execPath, ["-e", "0"]);
  line("node -e 0 (the floor)", `${fmt(bare.wall)} ms`, `CPU ${fmt(bare.cpu)} ms`);
  const check = kw(...checkArgs, "--at", "2000000");
  line(
    "keyward delegations check (bin: bundle, snapshot file)",
    `${fmt(check.wall)} ms`,
    `CPU ${fmt(check.cpu)} ms (target < 150 ms wall); ${(check.wall / bare.wall).toFixed(2)}× node -e 0`,
  );
  const unbundled = run("dist/src/cli/main.js", data, ...checkArgs, "--at", "2000000");
  line(
    "  same, unbundled tsc output (dist/src/cli/main.js)",
    `${fmt(unbundled.wall)} ms`,
    `CPU ${fmt(unbundled.cpu)} ms`,
  );
  const fromChunks = run("bin/keyward.js", chunked, ...checkArgs, "--at", "2000000");
  line(
    "  same, snapshot as 1 MiB chunks in SQLite",
    `${fmt(fromChunks.wall)} ms`,
    `CPU ${fmt(fromChunks.cpu)} ms`,
  );
  if (check.out !== unbundled.out || check.out !== fromChunks.out) throw new Error("check answers differ");
  const params = newRootKeyParams({ passphrase: PASSPHRASE });
  const t0 = performance.now();
  deriveRootKey({ passphrase: PASSPHRASE }, params);
  line(
    "(scrypt unseal the commands above no longer run)",
    `${fmt(performance.now() - t0)} ms`,
    "N=2^15, r=8",
  );
  /** The sqlite3 join and `keyward delegations validate` on one CSV, their verdict counts compared. */
  const versus = (file: string) => {
    const sqlite = measure("sqlite3", [join(dir, "j.db")], {
      input: joinScript(file),
      before: () => copyFileSync(join(dir, "intervals.db"), join(dir, "j.db")),
    });
    const validate = kw("delegations", "validate", file, "--json");
    const [n, yes] = sqlite.out.split(",").map(Number);
    const v = JSON.parse(validate.out) as { rows: number; authorized: number };
    if (v.rows !== n || v.authorized !== yes)
      throw new Error(`verdicts differ: keyward ${v.authorized}/${v.rows}, sqlite3 ${yes}/${n}`);
    return { sqlite, validate, n: n!, yes: yes! };
  };
  const { sqlite, validate, n, yes } = versus(csv);
  line(
    `sqlite3 CLI: .import + indexed join (baseline)`,
    `${fmt(sqlite.wall)} ms`,
    `CPU ${fmt(sqlite.cpu)} ms; ${fmt(yes!)} of ${fmt(n!)} authorized`,
  );
  line(
    "keyward delegations validate (131,072-row CSV)",
    `${fmt(validate.wall)} ms`,
    `CPU ${fmt(validate.cpu)} ms; ${(sqlite.wall / validate.wall).toFixed(2)}× faster wall, ${(sqlite.cpu / validate.cpu).toFixed(2)}× CPU (target ≥ 3)`,
  );
  const before = run("dist/src/cli/main.js", chunked, "delegations", "validate", csv, "--json");
  if (before.out !== validate.out) throw new Error("validate summaries differ");
  line(
    "  same, unbundled tsc output, snapshot as chunks",
    `${fmt(before.wall)} ms`,
    `CPU ${fmt(before.cpu)} ms; ${(sqlite.wall / before.wall).toFixed(2)}× wall, ${(sqlite.cpu / before.cpu).toFixed(2)}× CPU`,
  );
  // The same comparison at 8× the rows: the fixed costs of a process (Node's start, loading the snapshot) are
  // then a smaller share, and the per-row costs of both sides show.
  const big = versus(writeBatch("batch-8x.csv", ROWS * 8));
  line(
    `sqlite3 CLI, ${fmt(big.n)} rows (.import + indexed join)`,
    `${fmt(big.sqlite.wall)} ms`,
    `CPU ${fmt(big.sqlite.cpu)} ms; ${fmt(big.yes)} authorized`,
  );
  line(
    `keyward delegations validate, ${fmt(big.n)} rows`,
    `${fmt(big.validate.wall)} ms`,
    `CPU ${fmt(big.validate.cpu)} ms; ${(big.sqlite.wall / big.validate.wall).toFixed(2)}× faster wall, ${(big.sqlite.cpu / big.validate.cpu).toFixed(2)}× CPU; per row beyond the 131,072-row run: ${(((big.validate.wall - validate.wall) / (big.n - n)) * 1000).toFixed(2)} µs vs ${(((big.sqlite.wall - sqlite.wall) / (big.n - n)) * 1000).toFixed(2)} µs`,
  );
} finally {
  rmSync(dir, { recursive: true, force: true });
}
