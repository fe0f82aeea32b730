// Import benchmark (issue 12): `importEvents` of a Frequency-shaped NDJSON history into SQLite next to the same
// rows bulk-inserted into the same kw_state table with better-sqlite3 in the same run (the ceiling), plus the
// PostgreSQL figure. Run: `npm run bench -- import` (BENCH_IMPORT_DELEGATORS, default 200,000 ≈ 394k events;
// BENCH_IMPORT_PG_DELEGATORS, default 50,000).
import { createReadStream, mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { DelegationStore } from "../src/delegations/delegation-store.js";
import { DEFAULT_IMPORT_BATCH, importEvents } from "../src/delegations/import-events.js";
import { SEGMENT_EVENTS } from "../src/delegations/log-segments.js";
import { openTestPostgresStorage, openTestSqliteStorage, type TestStorage } from "../src/store/testing.js";
import { mainnetEvents, writeMainnetFile } from "./mainnet-events.js";

const DELEGATORS = Number(process.env.BENCH_IMPORT_DELEGATORS ?? "200000");
const PG_DELEGATORS = Number(process.env.BENCH_IMPORT_PG_DELEGATORS ?? "50000");
const dir = mkdtempSync(join(tmpdir(), "keyward-bench-import-"));
const fmt = (n: number) => Math.round(n).toLocaleString("en-US");
const line = (label: string, value: string, note = "") =>
  console.log(`${label.padEnd(62)} ${value.padStart(16)}  ${note}`);

/** Wall and CPU (this process: SQLite runs in it) of `fn`. */
async function timed(fn: () => Promise<void> | void): Promise<{ ms: number; cpu: number }> {
  const c = process.cpuUsage();
  const t = performance.now();
  await fn();
  const u = process.cpuUsage(c);
  return { ms: performance.now() - t, cpu: (u.user + u.system) / 1000 };
}

/**
 * The ceiling: the rows an import wrote before segments (event + id per event) — or, `segments`, the rows it
 * writes now (one row per SEGMENT_EVENTS events + id per event) — as prepared inserts, one transaction per batch.
 */
function sqliteBulkInsert(events: string[], segments = false): void {
  const db = new Database(join(dir, `bulk-${Math.random()}.db`));
  db.pragma("journal_mode = WAL");
  db.pragma("synchronous = NORMAL");
  db.exec(
    "CREATE TABLE kw_state (tbl TEXT NOT NULL, key TEXT NOT NULL, value BLOB NOT NULL, PRIMARY KEY (tbl, key)) WITHOUT ROWID",
  );
  const insert = db.prepare("INSERT INTO kw_state (tbl, key, value) VALUES (?, ?, ?)");
  const write = db.transaction((from: number, to: number) => {
    for (let i = from; i < to; i++) {
      if (!segments)
        insert.run("delegations.event", String(i + 1).padStart(16, "0"), Buffer.from(events[i]!));
      else if ((i - from) % SEGMENT_EVENTS === 0)
        insert.run(
          "delegations.event",
          String(i + 1).padStart(16, "0"),
          Buffer.from(events.slice(i, Math.min(to, i + SEGMENT_EVENTS)).join("\n")),
        );
      insert.run("delegations.id", `id-${i}`, Buffer.from(`{"seq":${i + 1}}`));
    }
  });
  for (let i = 0; i < events.length; i += DEFAULT_IMPORT_BATCH)
    write(i, Math.min(events.length, i + DEFAULT_IMPORT_BATCH));
  db.close();
}

async function importInto(open: () => Promise<TestStorage>, file: string) {
  const t = await open();
  try {
    const store = await DelegationStore.open(t.storage);
    let summary: Awaited<ReturnType<typeof importEvents>> | undefined;
    const rss0 = process.memoryUsage().rss;
    const time = await timed(async () => {
      // As the CLI calls it: the file's size lets the dry run reserve its tables.
      summary = await importEvents(store, {
        open: () => createReadStream(file, { highWaterMark: 1 << 20 }),
        size: statSync(file).size,
      });
    });
    return {
      time,
      summary: summary!,
      // Peak RSS of the process (KiB → bytes) over the RSS before: the import runs before anything else big.
      rssDelta: process.resourceUsage().maxRSS * 1024 - rss0,
      keys: store.index.stats().keys,
    };
  } finally {
    await t.cleanup();
  }
}

try {
  const file = join(dir, "events.ndjson");
  const events = await writeMainnetFile(file, DELEGATORS);
  const bytes = statSync(file).size;
  console.log(
    `### SQLite: ${fmt(events)} events (${fmt(DELEGATORS)} delegators, every event with an id), ${(bytes / 1e6).toFixed(1)} MB NDJSON`,
  );
  const ours = await importInto(openTestSqliteStorage, file);
  if (ours.summary.applied !== events) throw new Error(`imported ${ours.summary.applied} of ${events}`);
  const lines = [...mainnetEvents(DELEGATORS)];
  const bulk = await timed(() => sqliteBulkInsert(lines));
  const seg = await timed(() => sqliteBulkInsert(lines, true));
  lines.length = 0;
  const bulkRate = (2 * events) / (bulk.cpu / 1000);
  line(
    "better-sqlite3 bulk insert of the same rows (baseline)",
    `${fmt(bulkRate)} rows/s`,
    `2 rows per event: ${fmt(bulkRate / 2)} events/s per CPU-s; wall ${fmt(bulk.ms)} ms`,
  );
  const segRate = events / (seg.cpu / 1000);
  line(
    `the same, in the import's layout (${SEGMENT_EVENTS} events a row + id rows)`,
    `${fmt(segRate)} ev/s`,
    `per CPU-s; wall ${fmt(seg.ms)} ms (the layout's ceiling)`,
  );
  const rate = events / (ours.time.cpu / 1000);
  line(
    "keyward delegations import (check pass + apply pass)",
    `${fmt(rate)} ev/s`,
    `per CPU-s; ${(rate / (bulkRate / 2)).toFixed(2)}× the bulk insert's events/s (${(rate / segRate).toFixed(2)}× the layout's); wall ${fmt(events / (ours.time.ms / 1000))} ev/s`,
  );
  line(
    "6,000,000 events at this rate",
    `${(6e6 / rate).toFixed(1)} s CPU`,
    `target < 30 s; peak RSS +${fmt(ours.rssDelta / 1048576)} MiB (index ${fmt(ours.keys)} keys + its dry-run copy)`,
  );

  const pgFile = join(dir, "events-pg.ndjson");
  const pgEvents = await writeMainnetFile(pgFile, PG_DELEGATORS);
  console.log(`\n### PostgreSQL (local server, own schema): ${fmt(pgEvents)} events`);
  const pg = await importInto(openTestPostgresStorage, pgFile);
  line(
    "keyward delegations import (multi-row unnest inserts)",
    `${fmt(pgEvents / (pg.time.ms / 1000))} ev/s`,
    `wall clock (the server's work is in another process); CPU here ${fmt(pg.time.cpu)} ms`,
  );
} finally {
  rmSync(dir, { recursive: true, force: true });
}
