// Delegations benchmark: 2M delegations / 4M intervals — checks/s and bytes per interval next to an indexed SQLite
// query in the same run, 131,072-row batch validation, checkpoint and proof size, index rebuild from a persisted
// log: full replay vs open from an index snapshot + tail replay.
import { createReadStream, createWriteStream, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { sha256 } from "../src/crypto/hash.js";
import { validateBatch } from "../src/delegations/batch-validate.js";
import { DelegationTree } from "../src/delegations/checkpoint.js";
import { DelegationIndex } from "../src/delegations/delegation-index.js";
import { DelegationStore } from "../src/delegations/delegation-store.js";
import { DELEGATION_TABLES, seqKey } from "../src/delegations/event-log.js";
import type { DelegationEvent } from "../src/delegations/events.js";
import { decodeIndexSnapshot, encodeIndexSnapshot } from "../src/delegations/index-snapshot.js";
import { LookupBatch } from "../src/delegations/lookup-batch.js";
import { loadIndexSnapshot, writeIndexSnapshot } from "../src/delegations/snapshot-store.js";
import { openStorage } from "../src/store/open.js";
import { openTestSqliteStorage } from "../src/store/testing.js";

const KEYS = 2_000_000;
const QUERIES = 1 << 20;
const ROWS = 131_072;
const REBUILD_KEYS = 200_000;
const REBUILD_TAIL = 20_000;
const dir = mkdtempSync(join(tmpdir(), "keyward-bench-delegations-"));
const fmt = (n: number) => Math.round(n).toLocaleString("en-US");
const line = (label: string, value: string, note = "") =>
  console.log(`${label.padEnd(58)} ${value.padStart(14)}  ${note}`);

// Deterministic PRNG (xorshift32) so every run measures the same workload.
let rng = 0x9e3779b9;
const rand = (n: number) => {
  rng ^= rng << 13;
  rng ^= rng >>> 17;
  rng ^= rng << 5;
  return (rng >>> 0) % n;
};

/**
 * Key i: delegator ⌊i/2⌋ (1M delegators), provider 1 + delegator mod 20, scope 1 + i mod 2. Interval pattern by
 * i mod 3: one open interval; [g, r) + open re-grant; three intervals (two closed, one open) → 2 per key on average.
 */
function* eventsOf(keys: number): Generator<DelegationEvent> {
  for (let i = 0; i < keys; i++) {
    const delegator = i >>> 1;
    const base = {
      delegator,
      provider: 1 + (delegator % 20),
    };
    const s = [1 + (i % 2)];
    const g = 1000 + (i % 1000) * 100;
    yield { op: "grant", ...base, scopes: s, at: g };
    if (i % 3 === 0) continue;
    yield { op: "revoke", ...base, scopes: s, at: g + 500 };
    yield { op: "grant", ...base, scopes: s, at: g + 2000 };
    if (i % 3 === 1) continue;
    yield { op: "revoke", ...base, scopes: s, at: g + 3000 };
    yield { op: "grant", ...base, scopes: s, at: g + 9000 };
  }
}

// Wall time and this process's CPU time (user + system): on a shared, overloaded machine the CPU time is the
// "per core" figure; the wall time shows what the process actually got.
function timed<T>(fn: () => T): { ms: number; cpu: number; value: T } {
  const c = process.cpuUsage();
  const t = performance.now();
  const value = fn();
  const u = process.cpuUsage(c);
  return { ms: performance.now() - t, cpu: (u.user + u.system) / 1000, value };
}

// ---- build the index (the rebuild path: applyLogged, no per-event validation beyond the log decoder) ----
const before = process.memoryUsage();
const index = new DelegationIndex();
let seq = 0;
const build = timed(() => {
  for (const e of eventsOf(KEYS)) index.applyLogged(++seq, e);
  index.compact();
});
const stats = index.stats();
const after = process.memoryUsage();
console.log(
  `### index: ${fmt(stats.keys)} delegations (keys), ${fmt(stats.pairs)} pairs, ${fmt(stats.intervals)} intervals`,
);
line(
  "in-memory apply of the log",
  `${fmt(seq / (build.ms / 1000))} ev/s`,
  `${fmt(seq)} events in ${fmt(build.ms)} ms`,
);
line(
  "index typed arrays, bytes per interval",
  (stats.bytes / stats.intervals).toFixed(1),
  `${fmt(stats.bytes / 1048576)} MiB (target ≤ 48)`,
);
const heap = after.heapUsed + after.arrayBuffers - before.heapUsed - before.arrayBuffers;
line(
  "process heap + array buffers delta, bytes per interval",
  (heap / stats.intervals).toFixed(1),
  "(includes GC slack)",
);

// ---- queries: existing keys at random positions, plus 1/8 unknown delegators ----
const qd = new Float64Array(QUERIES);
const qp = new Float64Array(QUERIES);
const qs = new Float64Array(QUERIES);
const qa = new Float64Array(QUERIES);
for (let q = 0; q < QUERIES; q++) {
  const i = rand(KEYS);
  const d = i >>> 1;
  qd[q] = q % 8 === 0 ? 5_000_000 + d : d;
  qp[q] = 1 + (d % 20);
  qs[q] = 1 + (i % 2);
  qa[q] = rand(120_000);
}

function runChecks(): number {
  let yes = 0;
  for (let q = 0; q < QUERIES; q++) if (index.isAuthorized(qd[q]!, qp[q]!, qs[q]!, qa[q]!)) yes++;
  return yes;
}
let best = Number.POSITIVE_INFINITY;
let bestCpu = Number.POSITIVE_INFINITY;
let authorized = 0;
for (let r = 0; r < 5; r++) {
  const t = timed(runChecks);
  best = Math.min(best, t.ms);
  bestCpu = Math.min(bestCpu, t.cpu);
  authorized = t.value;
}
const indexRate = QUERIES / (best / 1000);
const indexCpuRate = QUERIES / (bestCpu / 1000);
// Batched lookups (what batch validation uses): 1,024 queries per locateMany call.
const batch = new LookupBatch(1024);
let bestBatch = Number.POSITIVE_INFINITY;
for (let r = 0; r < 5; r++)
  bestBatch = Math.min(
    bestBatch,
    timed(() => {
      for (let q = 0; q < QUERIES; q += 1024) {
        // Copied in whole (as the old positional-array call took subarray views): the lookup is what is timed.
        batch.delegators.set(qd.subarray(q, q + 1024));
        batch.providers.set(qp.subarray(q, q + 1024));
        batch.scopes.set(qs.subarray(q, q + 1024));
        batch.positions.set(qa.subarray(q, q + 1024));
        batch.size = 1024;
        index.locateMany(batch);
      }
    }).cpu,
  );
const batchCpuRate = QUERIES / (bestBatch / 1000);
let bestChecked = Number.POSITIVE_INFINITY;
for (let r = 0; r < 3; r++)
  bestChecked = Math.min(
    bestChecked,
    timed(() => {
      for (let q = 0; q < QUERIES; q++) index.check(qd[q]!, qp[q]!, qs[q]!, qa[q]!);
    }).cpu,
  );

// ---- baseline: the same intervals in an indexed SQLite table (file, WAL), the same queries ----
const db = new Database(join(dir, "baseline.db"));
db.pragma("journal_mode = WAL");
db.exec("CREATE TABLE iv (d INTEGER, p INTEGER, s INTEGER, f INTEGER, u INTEGER)");
const ins = db.prepare("INSERT INTO iv VALUES (?, ?, ?, ?, ?)");
const load = timed(() =>
  db.transaction(() => {
    for (let k = 0; k < index.keyCount; k++) {
      const h = index.keyHistory(k);
      for (const iv of h.intervals) ins.run(h.delegator, h.provider, h.scope, iv.from, iv.until);
    }
  })(),
);
const indexed = timed(() => db.exec("CREATE INDEX iv_key ON iv (d, p, s, f)"));
const sel = db
  .prepare("SELECT u FROM iv WHERE d = ? AND p = ? AND s = ? AND f <= ? ORDER BY f DESC LIMIT 1")
  .pluck();
const SQL_QUERIES = 200_000;
let sqlYes = 0;
let sqlBest = Number.POSITIVE_INFINITY;
let sqlBestCpu = Number.POSITIVE_INFINITY;
for (let r = 0; r < 3; r++) {
  const t = timed(() => {
    let yes = 0;
    for (let q = 0; q < SQL_QUERIES; q++) {
      const at = qa[q]!;
      const u = sel.get(qd[q]!, qp[q]!, qs[q]!, at) as number | null | undefined;
      if (u !== undefined && (u === null || at < u)) yes++;
    }
    return yes;
  });
  sqlBest = Math.min(sqlBest, t.ms);
  sqlBestCpu = Math.min(sqlBestCpu, t.cpu);
  sqlYes = t.value;
}
const sqlRate = SQL_QUERIES / (sqlBest / 1000);
const sqlCpuRate = SQL_QUERIES / (sqlBestCpu / 1000);
let indexYesOnSample = 0;
for (let q = 0; q < SQL_QUERIES; q++)
  if (index.isAuthorized(qd[q]!, qp[q]!, qs[q]!, qa[q]!)) indexYesOnSample++;
db.close();

console.log(
  `\n### point-in-time checks (${fmt(QUERIES)} queries, 1/8 unknown delegators, ${fmt(authorized)} authorized)`,
);
line(
  "SQLite, indexed (d,p,s,f), prepared statement — CPU time",
  `${fmt(sqlCpuRate)} /s`,
  `(baseline; wall ${fmt(sqlRate)} /s)`,
);
line(
  "DelegationIndex.isAuthorized (normalised ids) — CPU time",
  `${fmt(indexCpuRate)} /s`,
  `${(indexCpuRate / sqlCpuRate).toFixed(1)}× baseline (target ≥ 3M/s per core, ≥ 5×)`,
);
line(
  "DelegationIndex.locateMany, batches of 1,024 — CPU time",
  `${fmt(batchCpuRate)} /s`,
  `${(batchCpuRate / sqlCpuRate).toFixed(1)}× baseline`,
);
line(
  "DelegationIndex.isAuthorized — wall time",
  `${fmt(indexRate)} /s`,
  `${(indexRate / sqlRate).toFixed(1)}× SQLite wall`,
);
line(
  "DelegationIndex.check (validates ids, returns the interval) — CPU",
  `${fmt(QUERIES / (bestChecked / 1000))} /s`,
  `${(QUERIES / (bestChecked / 1000) / sqlCpuRate).toFixed(1)}× baseline`,
);
line(
  "answers agree with SQLite on its sample",
  sqlYes === indexYesOnSample ? "yes" : "NO",
  `${fmt(sqlYes)} authorized`,
);
line("SQLite load / index build", `${fmt(load.ms)} ms`, `+ ${fmt(indexed.ms)} ms`);

// ---- batch validation: a 131,072-row CSV (and NDJSON) file, verdicts to a file ----
let csv = "delegator,provider,scope,at\n";
let nd = "";
for (let r = 0; r < ROWS; r++) {
  csv += `${qd[r]},${qp[r]},${qs[r]},${qa[r]}\n`;
  nd += `{"delegator":${qd[r]},"provider":${qp[r]},"scope":${qs[r]},"at":${qa[r]}}\n`;
}
writeFileSync(join(dir, "batch.csv"), csv);
writeFileSync(join(dir, "batch.ndjson"), nd);
async function validateFile(name: string): Promise<{ ms: number; cpu: number; rows: number }> {
  const out = createWriteStream(join(dir, `${name}.out`));
  const c = process.cpuUsage();
  const t = performance.now();
  const summary = await validateBatch(index, createReadStream(join(dir, name), { highWaterMark: 1 << 20 }), {
    write: (c) => (out.write(c) ? undefined : new Promise<void>((r) => out.once("drain", () => r()))),
  });
  await new Promise<void>((r) => out.end(r));
  const u = process.cpuUsage(c);
  return { ms: performance.now() - t, cpu: (u.user + u.system) / 1000, rows: summary.rows };
}
console.log(`\n### batch validation (${fmt(ROWS)} rows, verdicts written to a file, best and median of 7)`);
for (const name of ["batch.csv", "batch.ndjson"]) {
  const runs: { ms: number; cpu: number }[] = [];
  for (let r = 0; r < 7; r++) runs.push(await validateFile(name));
  const wall = runs.map((r) => r.ms).sort((a, b) => a - b);
  const cpu = runs.map((r) => r.cpu).sort((a, b) => a - b);
  const mib = (Buffer.byteLength(name === "batch.csv" ? csv : nd) / 1048576).toFixed(1);
  line(
    `validateBatch ${name} (${mib} MiB) — CPU time`,
    `${cpu[0]!.toFixed(1)} ms`,
    `median ${cpu[3]!.toFixed(1)} ms (target ≤ 100 ms)`,
  );
  line(`validateBatch ${name} — wall time`, `${wall[0]!.toFixed(1)} ms`, `median ${wall[3]!.toFixed(1)} ms`);
}

// ---- checkpoint over the full index, proof size ----
console.log("\n### checkpoint");
const tree = timed(() => DelegationTree.build(index));
const proof = timed(() => tree.value.prove(12345, 1 + (12345 % 20), 2));
line(`DelegationTree.build (${fmt(stats.keys)} leaves)`, `${fmt(tree.ms)} ms`, `CPU ${fmt(tree.cpu)} ms`);
line(
  `proof for one key (path ${proof.value.path.length} hashes, ${proof.value.intervals.length} intervals)`,
  `${JSON.stringify(proof.value).length} B`,
  `JSON; built in ${proof.ms.toFixed(1)} ms (target ≤ 2 KB at 4M keys: 22 hashes)`,
);

// ---- rebuild at start from a persisted, sealed SQLite log: full replay vs snapshot + tail, same run ----
console.log(
  `\n### rebuild from the state store (${fmt(REBUILD_KEYS)} delegations persisted through DelegationStore.write)`,
);
/** New delegations after the snapshot: a grant each for delegators that the main workload does not use. */
function* tailOf(n: number): Generator<DelegationEvent> {
  for (let i = 0; i < n; i++)
    yield { op: "grant", delegator: 50_000_000 + i, provider: 1 + (i % 20), scopes: [1], at: 200_000 };
}
async function writeAll(store: DelegationStore, events: Iterable<DelegationEvent>): Promise<number> {
  let batch: DelegationEvent[] = [];
  let n = 0;
  for (const e of events) {
    batch.push(e);
    if (batch.length === 5000) {
      await store.write(batch);
      n += batch.length;
      batch = [];
    }
  }
  if (batch.length > 0) await store.write(batch);
  return n + batch.length;
}
/** Two indexes give the same answers on the first 200,000 queries and the tail's delegators. */
function agree(a: DelegationIndex, b: DelegationIndex): boolean {
  for (let q = 0; q < 200_000; q++)
    if (a.isAuthorized(qd[q]!, qp[q]!, qs[q]!, qa[q]!) !== b.isAuthorized(qd[q]!, qp[q]!, qs[q]!, qa[q]!))
      return false;
  for (let i = 0; i < REBUILD_TAIL; i++) {
    const d = 50_000_000 + i;
    if (a.isAuthorized(d, 1 + (i % 20), 1, 200_000) !== b.isAuthorized(d, 1 + (i % 20), 1, 200_000))
      return false;
  }
  return a.lastSeq === b.lastSeq && a.stats().intervals === b.stats().intervals;
}
const t = await openTestSqliteStorage();
let big: Awaited<ReturnType<typeof openTestSqliteStorage>> | undefined;
try {
  const store = await DelegationStore.open(t.storage);
  const w0 = performance.now();
  const events = await writeAll(store, eventsOf(REBUILD_KEYS));
  const writeMs = performance.now() - w0;
  const s0 = performance.now();
  const snap = await store.snapshot();
  const snapMs = performance.now() - s0;
  const tail = await writeAll(store, tailOf(REBUILD_TAIL));
  await t.storage.close();
  const storage = await openStorage({ db: t.dbUrl, unseal: { key: t.key } });
  // Full replay: the manifest is hidden for this open, so it replays the whole log as before snapshots.
  const manifest = (await storage.state.get(DELEGATION_TABLES.snapshot, "manifest"))!;
  await storage.state.delete(DELEGATION_TABLES.snapshot, "manifest");
  const r0 = performance.now();
  const full = await DelegationStore.open(storage);
  const rebuildMs = performance.now() - r0;
  await storage.state.put(DELEGATION_TABLES.snapshot, "manifest", manifest);
  const o0 = performance.now();
  const fromSnapshot = await DelegationStore.open(storage);
  const openMs = performance.now() - o0;
  const same = agree(full.index, fromSnapshot.index);
  await storage.close();
  const rate = (events + tail) / (rebuildMs / 1000);
  line(
    "durable writes (batches of 5,000 events, one transaction each)",
    `${fmt(events / (writeMs / 1000))} ev/s`,
    `${fmt(events)} events + ${fmt(tail)} after the snapshot`,
  );
  line(
    "full replay: read + decode + validate + apply the whole log",
    `${fmt(rebuildMs)} ms`,
    `${fmt(rate)} ev/s, ${fmt(events + tail)} events, ${fmt(full.index.stats().intervals)} intervals`,
  );
  line(
    "snapshot write (encode + SHA-256 + 1 MiB chunks, one transaction)",
    `${fmt(snapMs)} ms`,
    `${(snap.bytes / 1048576).toFixed(1)} MiB, ${snap.chunks} chunks, seq ${fmt(snap.seq)}`,
  );
  line(
    `open from snapshot + replay tail (${fmt(fromSnapshot.opened.replayed)} events)`,
    `${fmt(openMs)} ms`,
    `${(rebuildMs / openMs).toFixed(1)}× faster than the full replay (${fromSnapshot.opened.snapshot})`,
  );
  line("answers agree (snapshot + tail vs full replay)", same ? "yes" : "NO");
  line(`extrapolated full replay of the ${fmt(seq)}-event log above`, `${fmt((seq / rate) * 1000)} ms`);

  // ---- the 2M-key index above through the same snapshot code (its log is not persisted: only its last event,
  // so the snapshot can be tied to it) ----
  console.log(`\n### snapshot of the ${fmt(stats.keys)}-key index above (${fmt(seq)} events)`);
  big = await openTestSqliteStorage();
  await big.storage.state.put(
    DELEGATION_TABLES.event,
    seqKey(index.lastSeq),
    new TextEncoder().encode(JSON.stringify({ op: "grant", delegator: 0, provider: 1, scopes: [1], at: 0 })),
  );
  const encoded = timed(() => encodeIndexSnapshot(index));
  const hashed = timed(() => sha256(encoded.value));
  const decoded = timed(() => decodeIndexSnapshot(encoded.value));
  const decodedSame = agree(index, decoded.value);
  decoded.value = undefined as unknown as DelegationIndex;
  const bw0 = performance.now();
  const bigSnap = await writeIndexSnapshot(big.storage, index);
  const bigWriteMs = performance.now() - bw0;
  await big.storage.close();
  const bigStorage = await openStorage({ db: big.dbUrl, unseal: { key: big.key } });
  const bl0 = performance.now();
  const loaded = await loadIndexSnapshot(bigStorage);
  const bigOpenMs = performance.now() - bl0;
  await bigStorage.close();
  const mib = encoded.value.length / 1048576;
  line(
    "snapshot size",
    `${mib.toFixed(1)} MiB`,
    `${(encoded.value.length / stats.intervals).toFixed(1)} B/interval, ${bigSnap.chunks} chunks`,
  );
  line("encodeIndexSnapshot (copy + SHA-256)", `${fmt(encoded.ms)} ms`, `CPU ${fmt(encoded.cpu)} ms`);
  line("  of which SHA-256 (node:crypto)", `${fmt(hashed.ms)} ms`, `${fmt(mib / (hashed.ms / 1000))} MiB/s`);
  line(
    "decodeIndexSnapshot, format 2 (SHA-256 + header, views)",
    `${fmt(decoded.ms)} ms`,
    `answers agree: ${decodedSame ? "yes" : "NO"}`,
  );
  const v1 = encodeIndexSnapshot(index, { version: 1 });
  const decodedV1 = timed(() => decodeIndexSnapshot(v1));
  line(
    "decodeIndexSnapshot, format 1 (SHA-256 + validate + rebuild hash tables)",
    `${fmt(decodedV1.ms)} ms`,
    `${(v1.length / 1048576).toFixed(1)} MiB; format 2 loads ${(decodedV1.ms / decoded.ms).toFixed(1)}× faster`,
  );
  line("writeIndexSnapshot to SQLite (encode + one transaction)", `${fmt(bigWriteMs)} ms`);
  line(
    "loadIndexSnapshot from SQLite (read chunks + verify + decode)",
    `${fmt(bigOpenMs)} ms`,
    `${loaded.status}; ${(((seq / rate) * 1000) / bigOpenMs).toFixed(1)}× faster than the extrapolated full replay`,
  );
} finally {
  await t.cleanup();
  await big?.cleanup();
  rmSync(dir, { recursive: true, force: true });
}
