// Replay safety across processes: 100 concurrent migration attempts with one token from 10 separate processes
// sharing one real PostgreSQL database (and one SQLite file) → exactly one succeeds, the rest get token_used.
import { describe, expect, it } from "vitest";
import { utf8 } from "../src/crypto/bytes.js";
import { Secret } from "../src/crypto/secret.js";
import { openTestPostgresStorage, openTestSqliteStorage, type TestStorage } from "../src/store/testing.js";
import { spawnWorker, workerTests } from "./delegates-process.js";

interface Outcome {
  ok: boolean;
  id?: string;
  code?: string;
  message?: string;
}

const workers = workerTests();

async function race(
  open: () => Promise<TestStorage>,
  processes: number,
  attemptsEach: number,
): Promise<void> {
  const { t, d, v } = await workers.open(open, "chat", [1, 2]);
  for (let i = 0; i < 10; i++) await d.secrets.put(v.get(1)!, `s${i}`, Secret.from(utf8(`value ${i}`)));
  const { token } = await d.tokens.issue(v.get(1)!, v.get(2)!);
  const racers = Array.from({ length: processes }, () =>
    spawnWorker(
      "migrate",
      t.dbUrl,
      t.key,
      [v.get(1)!, v.get(2)!, token, String(attemptsEach)],
      workers.bundle(),
    ),
  );
  const outcomes: Outcome[] = [];
  for (const w of racers) {
    outcomes.push(...((await w.waitFor(Array.isArray)) as Outcome[]));
    await w.exited;
  }
  expect(outcomes).toHaveLength(processes * attemptsEach);
  const wins = outcomes.filter((o) => o.ok);
  const summary = JSON.stringify([
    ...new Set(outcomes.map((o) => (o.ok ? "ok" : `${o.code}: ${o.message}`))),
  ]);
  expect(wins, summary).toHaveLength(1);
  const losers = outcomes.filter((o) => !o.ok);
  expect(new Set(losers.map((o) => o.code))).toEqual(new Set(["token_used"]));
  for (const l of losers) expect(l.message).toContain(wins[0]!.id);
  expect((await d.secrets.list(v.get(2)!)).length).toBe(10);
  expect((await d.versions.status(v.get(1)!)).migratedTo?.migration).toBe(wins[0]!.id);
}

describe("one token, many processes", () => {
  it("PostgreSQL: 100 attempts from 10 processes → exactly one migration", async () => {
    await race(openTestPostgresStorage, 10, 10);
  });

  it("SQLite file: 20 attempts from 4 processes → exactly one migration", async () => {
    await race(openTestSqliteStorage, 4, 5);
  });
});
