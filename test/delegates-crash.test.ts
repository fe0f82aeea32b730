// Crash safety: a migration of a delegate holding 1,000 secrets is SIGKILLed at ≥ 50 random moments; after
// reopening, every secret is live in exactly one namespace with its exact bytes, and the state is all-old or all-new.
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bytesToHex } from "../src/crypto/bytes.js";
import { randomBytes } from "../src/crypto/random.js";
import { Secret } from "../src/crypto/secret.js";
import { Delegates } from "../src/delegates/delegates.js";
import { delegateNamespace, TABLES } from "../src/delegates/records.js";
import { newAppKey, recordingAudit, registerVersions } from "../src/delegates/test-support.js";
import { parseToken, tokenHash } from "../src/delegates/tokens.js";
import { openStorage } from "../src/store/open.js";
import { openTestSqliteStorage } from "../src/store/testing.js";
import { bundleWorker, spawnWorker } from "./delegates-process.js";

const SECRETS = 1000;
const KILLS = 50;
const PARALLEL = 2;

let root: string;
let bundle: string;
let template: string;
let key: Uint8Array;
let from: string;
let to: string;
let token: string;
const expected = new Map<string, string>();

beforeAll(async () => {
  bundle = await bundleWorker();
  root = mkdtempSync(join(tmpdir(), "keyward-crash-"));
  const t = await openTestSqliteStorage();
  key = t.key;
  const d = new Delegates({ storage: t.storage, audit: recordingAudit() });
  const app = newAppKey();
  await d.apps.register("chat", app.publicKey);
  const v = await registerVersions(d, app, "chat", [1, 7]);
  [from, to] = [v.get(1)!, v.get(7)!];
  await t.storage.transaction(async (tx) => {
    for (let i = 0; i < SECRETS; i++) {
      const bytes = randomBytes(1 + (i % 97));
      expected.set(`secret-${String(i).padStart(4, "0")}`, bytesToHex(bytes));
      await tx.secrets.put(
        delegateNamespace(from),
        `secret-${String(i).padStart(4, "0")}`,
        Secret.from(bytes),
      );
    }
  });
  token = (await d.tokens.issue(from, to, 3600)).token;
  await t.storage.close();
  template = join(root, "template.db");
  const src = t.dbUrl.slice("sqlite:".length);
  for (const suffix of ["", "-wal", "-shm"])
    if (existsSync(src + suffix)) copyFileSync(src + suffix, template + suffix);
  await t.cleanup();
}, 60_000);

afterAll(() => {
  rmSync(root, { recursive: true, force: true });
  rmSync(dirname(bundle), { recursive: true, force: true });
});

function copyTemplate(name: string): string {
  const dir = join(root, name);
  mkdirSync(dir);
  const path = join(dir, "keyward.db");
  for (const suffix of ["", "-wal", "-shm"])
    if (existsSync(template + suffix)) copyFileSync(template + suffix, path + suffix);
  return `sqlite:${path}`;
}

/** Reopens a trial's database and checks the invariant; returns which side holds the secrets. */
async function verify(dbUrl: string): Promise<"old" | "new"> {
  const storage = await openStorage({ db: dbUrl, unseal: { key } });
  try {
    const src = await storage.secrets.list(delegateNamespace(from));
    const dst = await storage.secrets.list(delegateNamespace(to));
    const tombstone = await TABLES.tombstone.get(storage.state, from);
    const used = await TABLES.tokenUse.get(storage.state, tokenHash(parseToken(token)));
    const side = tombstone ? "new" : "old";
    // All-or-nothing: the tombstone, the consumed token and the secrets' location agree.
    expect(used !== undefined).toBe(tombstone !== undefined);
    expect(side === "new" ? src : dst).toEqual([]);
    const live = side === "new" ? dst : src;
    expect(live).toEqual([...expected.keys()]);
    const ns = delegateNamespace(side === "new" ? to : from);
    for (const [name, hex] of expected) {
      const s = await storage.secrets.get(ns, name);
      expect(s && bytesToHex(s.expose())).toBe(hex);
    }
    return side;
  } finally {
    await storage.close();
  }
}

/** One trial: migrate in a child, SIGKILL it after a random delay, verify the reopened database. */
async function trial(i: number, window: number): Promise<{ killed: boolean; side: "old" | "new" }> {
  const dbUrl = copyTemplate(`trial-${i}`);
  const w = spawnWorker("crash-migrate", dbUrl, key, [from, to, token], bundle);
  await w.waitFor((l) => (l as { ready?: boolean }).ready === true);
  await new Promise((r) => setTimeout(r, Math.random() * window));
  const killed = w.child.kill("SIGKILL");
  await w.exited;
  return {
    killed: killed && !w.lines.some((l) => (l as { done?: boolean }).done),
    side: await verify(dbUrl),
  };
}

describe("migration under SIGKILL", () => {
  it(`keeps every one of ${SECRETS} secrets in exactly one namespace across ≥ ${KILLS} random kills`, async () => {
    // Calibrate the kill window on this machine: the time from "ready" to the end of one full migration.
    const calib = copyTemplate("calibration");
    const w = spawnWorker("crash-migrate", calib, key, [from, to, token], bundle);
    await w.waitFor((l) => (l as { ready?: boolean }).ready === true);
    const t0 = performance.now();
    await w.waitFor((l) => (l as { done?: boolean }).done === true);
    // Slightly past the end so that some kills land after the commit (both outcomes must then be complete).
    const window = Math.max(50, (performance.now() - t0) * 1.15);
    await w.exited;
    expect(await verify(calib)).toBe("new");

    // Trials whose child finished before the kill do not count; keep going until KILLS children died by
    // SIGKILL (bounded, so a pathological machine fails instead of looping).
    const outcomes: { killed: boolean; side: "old" | "new" }[] = [];
    let next = 0;
    while (outcomes.filter((o) => o.killed).length < KILLS && next < KILLS * 2) {
      const batch = Array.from({ length: PARALLEL }, () => trial(next++, window));
      outcomes.push(...(await Promise.all(batch)));
    }
    const kills = outcomes.filter((o) => o.killed);
    expect(kills.length).toBeGreaterThanOrEqual(KILLS);
    // The kill points straddle the commit: both outcomes occur (each verified above to be complete).
    expect(new Set(outcomes.map((o) => o.side))).toEqual(new Set(["old", "new"]));
  }, 120_000);
});
