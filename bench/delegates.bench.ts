// Delegates benchmark: secrets migrated per second (one transaction per migration) on SQLite and PostgreSQL,
// next to a same-run baseline: the bare sealed copy (get → put → delete per secret, one transaction) that any
// migration must do, without the domain's checks, tombstone, token claim, session moves and audit entry.
// Run: `npm run bench -- delegates` (BENCH_SECRETS=N secrets per migration, default 5000 SQLite / 2000 Postgres).
import { randomBytes } from "../src/crypto/random.js";
import { Secret } from "../src/crypto/secret.js";
import { delegateNamespace } from "../src/delegates/records.js";
import { newAppKey, registerVersions } from "../src/delegates/test-support.js";
import { createDelegates } from "../src/service/delegates.js";
import type { Storage } from "../src/store/ports.js";
import { openTestPostgresStorage, openTestSqliteStorage, type TestStorage } from "../src/store/testing.js";

const ROUNDS = 3;

async function fill(storage: Storage, namespace: string, n: number): Promise<void> {
  await storage.transaction(async (tx) => {
    for (let i = 0; i < n; i++) await tx.secrets.put(namespace, `secret-${i}`, Secret.adopt(randomBytes(32)));
  });
}

/** The baseline: move n sealed secrets between two namespaces in one transaction, nothing else. */
async function bareCopy(storage: Storage, from: string, to: string): Promise<void> {
  await storage.transaction(async (tx) => {
    for (const name of await tx.secrets.list(from)) {
      const s = await tx.secrets.get(from, name);
      if (!s) continue;
      await tx.secrets.put(to, name, s);
      s.wipe();
      await tx.secrets.delete(from, name);
    }
  });
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;

async function run(label: string, open: () => Promise<TestStorage>, n: number): Promise<void> {
  const t = await open();
  try {
    const d = await createDelegates(t.storage);
    const app = newAppKey();
    await d.apps.register("bench", app.publicKey);
    const versions = await registerVersions(
      d,
      app,
      "bench",
      Array.from({ length: ROUNDS + 1 }, (_, i) => i + 1),
    );
    const bare: number[] = [];
    const migrated: number[] = [];
    for (let r = 0; r < ROUNDS; r++) {
      // Interleaved rounds: baseline then migration on the same database, so load hits both alike.
      await fill(t.storage, `bench-a-${r}`, n);
      let t0 = performance.now();
      await bareCopy(t.storage, `bench-a-${r}`, `bench-b-${r}`);
      bare.push(n / ((performance.now() - t0) / 1000));

      const from = versions.get(r + 1)!;
      const to = versions.get(r + 2)!;
      // Round r's target already holds round r−1's secrets; fresh names keep every secret a real move.
      await t.storage.transaction(async (tx) => {
        for (let i = 0; i < n; i++)
          await tx.secrets.put(delegateNamespace(from), `r${r}-secret-${i}`, Secret.adopt(randomBytes(32)));
      });
      const { token } = await d.tokens.issue(from, to, 600);
      t0 = performance.now();
      const res = await d.migrations.migrate(from, to, token);
      migrated.push(res.moved / ((performance.now() - t0) / 1000));
      if (res.conflicts.length) throw new Error("unexpected conflicts");
    }
    const b = median(bare);
    const m = median(migrated);
    console.log(`### ${label}: ${n} secrets per migration, median of ${ROUNDS} rounds (wall clock)`);
    console.log(
      `bare sealed copy (get → put → delete, one tx)      ${Math.round(b).toLocaleString("en-US").padStart(9)} secrets/s  (baseline)`,
    );
    console.log(
      `delegate migration (checks, tombstone, token, audit) ${Math.round(m).toLocaleString("en-US").padStart(7)} secrets/s  ${(m / b).toFixed(2)}× baseline`,
    );
  } finally {
    await t.cleanup();
  }
}

const nSqlite = Number(process.env.BENCH_SECRETS ?? "5000");
const nPg = Number(process.env.BENCH_SECRETS ?? "2000");
await run("SQLite (WAL file)", openTestSqliteStorage, nSqlite);
await run("PostgreSQL (local server, own schema)", openTestPostgresStorage, nPg);
