// Sessions across a restart: a process creates a session with a pending action and is SIGKILLed; fresh
// processes rehydrate it and the action fires exactly once (two racing runners, then a third finds nothing).
import { describe, expect, it } from "vitest";
import { hexToBytes, utf8 } from "../src/crypto/bytes.js";
import { ed25519Verify } from "../src/crypto/ed25519.js";
import type { FiredRecord } from "../src/delegates/records.js";
import type { RehydrateReport } from "../src/delegates/sessions/session-rehydrate.js";
import { openTestPostgresStorage, openTestSqliteStorage, type TestStorage } from "../src/store/testing.js";
import { spawnWorker, workerTests } from "./delegates-process.js";

interface RunOutput {
  rehydrated: RehydrateReport;
  fired: FiredRecord[];
}

const workers = workerTests();

async function scenario(open: () => Promise<TestStorage>): Promise<void> {
  const { t, d, v } = await workers.open(open, "wallet", [1]);
  const v1 = v.get(1)!;
  const bundle = workers.bundle();

  const creator = spawnWorker("session-create", t.dbUrl, t.key, [v1, "400"], bundle);
  const created = (await creator.waitFor((l) => typeof (l as { session?: string }).session === "string")) as {
    session: string;
    publicKey: string;
  };
  creator.child.kill("SIGKILL");
  expect(await creator.exited).toBe("SIGKILL");
  await new Promise((r) => setTimeout(r, 500));

  const runs = [
    spawnWorker("session-run", t.dbUrl, t.key, [], bundle),
    spawnWorker("session-run", t.dbUrl, t.key, [], bundle),
  ];
  const outputs: RunOutput[] = [];
  for (const r of runs) {
    outputs.push((await r.waitFor((l) => typeof l === "object" && l !== null && "fired" in l)) as RunOutput);
    await r.exited;
  }
  for (const o of outputs) expect(o.rehydrated.loaded).toContain(created.session);
  const fired = outputs.flatMap((o) => o.fired);
  expect(fired).toHaveLength(1);
  expect(fired[0]!.session).toBe(created.session);
  const ok = ed25519Verify(
    hexToBytes(created.publicKey),
    utf8("pay:after-restart"),
    hexToBytes(fired[0]!.signature!),
  );
  expect(ok).toBe(true);

  const again = spawnWorker("session-run", t.dbUrl, t.key, [], bundle);
  const last = (await again.waitFor((l) => typeof l === "object" && l !== null && "fired" in l)) as RunOutput;
  await again.exited;
  expect(last.fired).toEqual([]);
  const shown = await d.sessions.show(created.session);
  expect(shown.uses).toBe(1);
  expect(shown.pending).toEqual([]);
  expect(shown.fired).toHaveLength(1);
}

describe("a session survives its process", () => {
  it("SQLite: killed creator, two racing runners → the pending action fires once", async () => {
    await scenario(openTestSqliteStorage);
  });
  it("PostgreSQL: killed creator, two racing runners → the pending action fires once", async () => {
    await scenario(openTestPostgresStorage);
  });
});
