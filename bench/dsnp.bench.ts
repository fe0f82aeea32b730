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
import { DsnpBatch } from "../src/interop/dsnp/batch-reader.js";

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
  `\n### DSNP batch validation (${fmt(ROWS)} rows, ${fmt(KEYS)} delegations, verdicts to a file, best of 7)`,
);
const csvMs = await best("validateBatch batch.csv (CSV path, same rows)", async () => {
  const s = sink("csv.out");
  await validateBatch(index, createReadStream(csvPath, { highWaterMark: 1 << 20 }), { write: s.write });
  await s.end();
});
for (const semantics of ["keyward", "frequency"] as const) {
  const ms = await best(`validateDsnpBatch batch.parquet (hyparquet, ${semantics})`, async () => {
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
  });
  line(`  ratio to the CSV path (${semantics})`, `${(ms / csvMs).toFixed(2)}×`, "target ≤ 1.5×");
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

rmSync(dir, { recursive: true, force: true });
