// DSNP + Frequency benchmark: a 131,072-row Broadcast batch (Parquet, written by @dsnp/parquetjs with the
// @dsnp/schemas schema) validated next to the same rows as CSV in the same run, the two Parquet readers
// (hyparquet vs @dsnp/parquetjs) on its fromId column, and the Frequency-format import next to NDJSON import.
import { createReadStream, createWriteStream, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ParquetReader, ParquetWriter } from "@dsnp/parquetjs";
import { descriptorForAnnouncementType, parquet } from "@dsnp/schemas";
import { asyncBufferFromFile } from "hyparquet";
import { validateBatch } from "../src/delegations/batch-validate.js";
import { DelegationIndex } from "../src/delegations/delegation-index.js";
import { validateDsnpBatch } from "../src/delegations/dsnp-validate.js";
import { importEvents } from "../src/delegations/import-events.js";
import { DsnpBatch } from "../src/interop/dsnp/batch-reader.js";
import { DelegationsService } from "../src/service/delegations.js";
import { importFrequencyDump } from "../src/service/frequency-import.js";
import { openTestSqliteStorage } from "../src/store/testing.js";

const KEYS = 500_000;
const ROWS = 131_072;
const PROVIDER = 7;
const INTENT = 2;
const AT = 5_000;
const dir = mkdtempSync(join(tmpdir(), "keyward-bench-dsnp-"));
const fmt = (n: number) => Math.round(n).toLocaleString("en-US");
const line = (label: string, value: string, note = "") =>
  console.log(`${label.padEnd(62)} ${value.padStart(12)}  ${note}`);

let rng = 0x2545f491;
const rand = (n: number) => {
  rng ^= rng << 13;
  rng ^= rng >>> 17;
  rng ^= rng << 5;
  return (rng >>> 0) % n;
};

// Delegators 0…KEYS−1 to PROVIDER for INTENT: even ones granted at 1,000 and open, odd ones revoked at 4,000
// (so at 5,000 about half of the batch is authorized).
const index = new DelegationIndex();
let seq = 0;
for (let d = 0; d < KEYS; d++) {
  index.applyLogged(++seq, { op: "grant", delegator: d, provider: PROVIDER, scopes: [INTENT], at: 1000 });
  if (d % 2)
    index.applyLogged(++seq, { op: "revoke", delegator: d, provider: PROVIDER, scopes: [INTENT], at: 4000 });
}
index.compact();

const fromIds = Array.from({ length: ROWS }, () => rand(KEYS * 1.1));
const csvPath = join(dir, "batch.csv");
writeFileSync(
  csvPath,
  `delegator,provider,scope,at\n${fromIds.map((d) => `${d},${PROVIDER},${INTENT},${AT}\n`).join("")}`,
);
const pqPath = join(dir, "batch.parquet");
{
  const [schema, options] = parquet.fromDSNPSchema(descriptorForAnnouncementType(2).parquetSchema);
  const w = await ParquetWriter.openFile(schema, pqPath, options);
  for (let i = 0; i < ROWS; i++)
    await w.appendRow({
      announcementType: 2,
      contentHash: `bdyqdua${i}`,
      fromId: BigInt(fromIds[i]!),
      url: `https://example.com/${i}`,
    });
  await w.close();
}

async function timedAsync<T>(fn: () => Promise<T>): Promise<{ ms: number; cpu: number; value: T }> {
  const c = process.cpuUsage();
  const t = performance.now();
  const value = await fn();
  const u = process.cpuUsage(c);
  return { ms: performance.now() - t, cpu: (u.user + u.system) / 1000, value };
}
async function best(label: string, fn: () => Promise<unknown>, runs = 7): Promise<number> {
  const r: { ms: number; cpu: number }[] = [];
  for (let i = 0; i < runs; i++) r.push(await timedAsync(fn));
  const cpu = r.map((x) => x.cpu).sort((a, b) => a - b);
  const wall = r.map((x) => x.ms).sort((a, b) => a - b);
  line(
    label,
    `${cpu[0]!.toFixed(1)} ms`,
    `CPU; median ${cpu[runs >> 1]!.toFixed(1)} ms, wall best ${wall[0]!.toFixed(1)} ms`,
  );
  return cpu[0]!;
}
const sink = (name: string) => {
  const out = createWriteStream(join(dir, name));
  return {
    write: (c: string) => (out.write(c) ? undefined : new Promise<void>((r) => out.once("drain", () => r()))),
    end: () => new Promise<void>((r) => out.end(r)),
  };
};

console.log(
  `\n### DSNP batch validation (${fmt(ROWS)} rows, ${fmt(KEYS)} delegations, verdicts to a file, best of 9)`,
);
// Interleaved runs (CSV, Parquet keyward, Parquet frequency, × 7): a slow moment of the shared machine hits all.
const runCsv = async () => {
  const s = sink("csv.out");
  await validateBatch(index, createReadStream(csvPath, { highWaterMark: 1 << 20 }), { write: s.write });
  await s.end();
};
const runParquet = (semantics: "keyward" | "frequency") => async () => {
  const s = sink("pq.out");
  const batch = await DsnpBatch.open(await asyncBufferFromFile(pqPath));
  await validateDsnpBatch(index, batch, {
    provider: PROVIDER,
    intent: INTENT,
    at: AT,
    semantics,
    write: s.write,
  });
  await s.end();
};
const jobs = { csv: runCsv, keyward: runParquet("keyward"), frequency: runParquet("frequency") };
const cpuOf: Record<string, number[]> = { csv: [], keyward: [], frequency: [] };
for (let i = 0; i < 9; i++)
  for (const [k, fn] of Object.entries(jobs)) cpuOf[k]!.push((await timedAsync(fn)).cpu);
const bestOf = (k: string) => Math.min(...cpuOf[k]!);
const medOf = (k: string) => [...cpuOf[k]!].sort((a, b) => a - b)[4]!;
line(
  "validateBatch batch.csv (CSV path, same rows)",
  `${bestOf("csv").toFixed(1)} ms`,
  `CPU; median ${medOf("csv").toFixed(1)} ms`,
);
for (const k of ["keyward", "frequency"]) {
  line(
    `validateDsnpBatch batch.parquet (hyparquet, ${k})`,
    `${bestOf(k).toFixed(1)} ms`,
    `CPU; median ${medOf(k).toFixed(1)} ms`,
  );
  line(
    `  ratio to the CSV path (${k})`,
    `${(bestOf(k) / bestOf("csv")).toFixed(2)}×`,
    `medians ${(medOf(k) / medOf("csv")).toFixed(2)}× (target ≤ 1.5×)`,
  );
}

console.log("\n### reading the fromId column of the same file (best of 7)");
const hy = await best("hyparquet (parquetScan.readColumn fromId + announcementType)", async () => {
  const batch = await DsnpBatch.open(await asyncBufferFromFile(pqPath));
  let n = 0;
  for await (const g of batch.rowGroups()) n += g.rows;
  if (n !== ROWS) throw new Error("row count");
});
const pj = await best(
  "@dsnp/parquetjs (cursor over fromId + announcementType)",
  async () => {
    const r = await ParquetReader.openFile(pqPath);
    const c = r.getCursor([["fromId"], ["announcementType"]]);
    let n = 0;
    while (await c.next()) n++;
    await r.close();
    if (n !== ROWS) throw new Error("row count");
  },
  3,
);
line("  @dsnp/parquetjs / hyparquet", `${(pj / hy).toFixed(1)}×`);

// ---- Frequency-format import next to the NDJSON import of the same history (fresh SQLite store each) ----
// PAIRS (delegator, provider 1) pairs with seed 003's lifecycle: granted (intents 5, 6), whole delegation revoked,
// re-granted for intent 5 only (6 is revoked by the re-grant), revoked again: 4 msa records → 6 keyward events.
const PAIRS = 25_000;
const dump: string[] = [];
const nd: string[] = [];
for (let i = 0; i < PAIRS; i++) {
  const d = 10_000 + i;
  const b = 1 + (i % 500) * 10;
  const rec = (block: number, method: string, delegation: unknown) =>
    dump.push(
      JSON.stringify({
        block,
        event: { section: "msa", method, data: { providerId: 1, delegatorId: d } },
        delegation,
      }),
    );
  rec(b, "DelegationGranted", { revokedAt: 0, permissions: { 5: 0, 6: 0 } });
  rec(b + 3000, "DelegationRevoked", { revokedAt: b + 3000, permissions: { 5: 0, 6: 0 } });
  rec(b + 6000, "DelegationGranted", { revokedAt: 0, permissions: { 5: 0, 6: b + 6000 } });
  rec(b + 9000, "DelegationRevoked", { revokedAt: b + 9000, permissions: { 5: 0, 6: b + 6000 } });
  const e = (op: string, scopes: number[], at: number) =>
    nd.push(JSON.stringify({ op, delegator: d, provider: 1, scopes, at }));
  e("grant", [5, 6], b);
  e("revoke", [5, 6], b + 3000);
  e("grant", [5, 6], b + 6000);
  e("revoke", [6], b + 6000);
  e("revoke", [5], b + 9000);
}
// The dump must be in block order (the NDJSON file only per key): sort both by block.
const blockOf = (l: string) => JSON.parse(l).block as number;
dump.sort((a, b) => blockOf(a) - blockOf(b));
const dumpPath = join(dir, "msa.ndjson");
const ndPath = join(dir, "events.ndjson");
writeFileSync(dumpPath, `${dump.join("\n")}\n`);
writeFileSync(ndPath, `${nd.join("\n")}\n`);
console.log(
  `\n### import into a fresh SQLite store (${fmt(dump.length)} msa records → ${fmt(nd.length)} events; best of 3)`,
);
const importRun = async (frequency: boolean) => {
  const t = await openTestSqliteStorage();
  try {
    const d = await DelegationsService.open(t.storage);
    const r = await timedAsync(async () =>
      frequency
        ? importFrequencyDump(d, { open: () => createReadStream(dumpPath), tmpDir: dir })
        : importEvents(d.store, { open: () => createReadStream(ndPath) }),
    );
    if (r.value.applied !== nd.length) throw new Error(`applied ${r.value.applied} of ${nd.length}`);
    return r;
  } finally {
    await t.cleanup();
  }
};
const rate = async (label: string, frequency: boolean, records: number) => {
  const runs = [];
  for (let i = 0; i < 3; i++) runs.push(await importRun(frequency));
  const ms = Math.min(...runs.map((r) => r.ms));
  line(label, `${fmt((records / ms) * 1000)}/s`, `wall best ${fmt(ms)} ms`);
  return ms;
};
const ndMs = await rate("importEvents (NDJSON keyward events), events/s", false, nd.length);
const frMs = await rate("importFrequencyDump (msa records), records/s", true, dump.length);
line("  Frequency import time / NDJSON import time", `${(frMs / ndMs).toFixed(2)}×`, "same history");

rmSync(dir, { recursive: true, force: true });
