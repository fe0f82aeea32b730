// Crash test: child processes doing multi-write transactions are SIGKILLed at random points; after reopening,
// every transaction is all there or not there at all, and every acknowledged commit survived.
import { type ChildProcess, spawn } from "node:child_process";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { build } from "esbuild";
import { beforeAll, describe, expect, it } from "vitest";
import { bytesToHex } from "../src/crypto/bytes.js";
import { openStorage } from "../src/store/open.js";
import type { Storage } from "../src/store/ports.js";
import { openTestPostgresStorage, openTestSqliteStorage, type TestStorage } from "../src/store/testing.js";

const WRITES = 4;
const dec = new TextDecoder();

interface Writer {
  readonly id: string;
  acked: number;
  readonly proc: ChildProcess;
  readonly ready: Promise<void>;
  readonly exited: Promise<void>;
}

// The writer is bundled once to plain JS: a child then starts in a fraction of tsx's time, which matters when
// dozens of them are started on a loaded machine. Kept under node_modules so native modules still resolve.
const BUNDLE = join("node_modules", ".cache", "keyward-crash", "crash-writer.mjs");
beforeAll(async () => {
  mkdirSync(join("node_modules", ".cache", "keyward-crash"), { recursive: true });
  await build({
    entryPoints: ["test/crash-writer.ts"],
    outfile: BUNDLE,
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20",
    packages: "external",
    logLevel: "error",
  });
});

function startWriter(t: TestStorage, id: string): Writer {
  const proc = spawn(process.execPath, [BUNDLE, t.dbUrl, id, String(WRITES)], {
    env: { ...process.env, KW_CRASH_KEY: bytesToHex(t.key) },
    stdio: ["ignore", "pipe", "inherit"],
  });
  const w: Writer = {
    id,
    acked: 0,
    proc,
    ready: new Promise((resolve, reject) => {
      let buf = "";
      proc.stdout?.on("data", (chunk: Buffer) => {
        buf += chunk.toString();
        const lines = buf.split("\n");
        buf = lines.pop() ?? "";
        for (const line of lines) {
          if (line === "ready") resolve();
          const m = /^committed (\d+)$/.exec(line);
          if (m) w.acked = Number(m[1]);
        }
      });
      proc.on("exit", () => reject(new Error(`writer ${id} exited before it was ready`)));
    }),
    exited: new Promise((resolve) => proc.on("exit", () => resolve())),
  };
  return w;
}

/** Checks every writer's transactions are whole (all entries or none) and acknowledged ones are present. */
async function verify(s: Storage, w: Writer): Promise<number> {
  const done: number[] = [];
  for await (const e of s.state.scan("crash.done", { prefix: `${w.id}/` }))
    done.push(Number(e.key.split("/")[1]));
  const committed = new Set(done);
  const last = done.length ? Math.max(...done) : 0;
  expect(done).toEqual(Array.from({ length: last }, (_, i) => i + 1));
  expect(last, `writer ${w.id}: acknowledged ${w.acked} must be committed`).toBeGreaterThanOrEqual(w.acked);
  const seen = new Map<number, number>();
  for await (const e of s.state.scan("crash.txn", { prefix: `${w.id}/` })) {
    const [, i, j] = e.key.split("/").map(Number) as [number, number, number];
    expect(dec.decode(e.value)).toBe(`${w.id}:${i}:${j}`);
    seen.set(i, (seen.get(i) ?? 0) + 1);
  }
  for (const name of await s.secrets.list("crash", `${w.id}/`)) {
    const i = Number(name.split("/")[1]);
    seen.set(i, (seen.get(i) ?? 0) + 1);
  }
  // A transaction is either fully there (WRITES state + WRITES secrets + its done marker) or absent.
  for (const [i, n] of seen) {
    expect(committed.has(i), `writer ${w.id} txn ${i}: entries without commit marker`).toBe(true);
    expect(n, `writer ${w.id} txn ${i}`).toBe(2 * WRITES);
  }
  expect(seen.size).toBe(committed.size);
  const counter = await s.state.get("crash.counter", w.id);
  expect(counter ? Number(dec.decode(counter)) : 0).toBe(last);
  expect(await s.secrets.list("crash.tmp", `${w.id}/`)).toEqual(last ? [`${w.id}/${last}`] : []);
  if (last)
    expect(dec.decode((await s.secrets.get("crash", `${w.id}/${last}/0`))!.expose())).toBe(
      `secret ${w.id}:${last}:0`,
    );
  return last;
}

async function crashRounds(
  t: TestStorage,
  rounds: number,
  perRound: number,
): Promise<{ kills: number; commits: number }> {
  await t.storage.close();
  let kills = 0;
  let commits = 0;
  for (let round = 0; round < rounds; round++) {
    const writers = Array.from({ length: perRound }, (_, k) => startWriter(t, `r${round}w${k}`));
    await Promise.all(writers.map((w) => w.ready));
    // Each writer dies at its own random moment while writing (a few to a few dozen transactions in).
    await Promise.all(
      writers.map(async (w) => {
        await new Promise((r) => setTimeout(r, 20 + Math.random() * 250));
        w.proc.kill("SIGKILL");
        await w.exited;
        kills++;
      }),
    );
    const s = await openStorage({ db: t.dbUrl, unseal: { key: t.key } });
    try {
      for (const w of writers) commits += await verify(s, w);
    } finally {
      await s.close();
    }
  }
  return { kills, commits };
}

describe("crash test", () => {
  it("SQLite: 50 SIGKILLs of concurrent writer processes leave only whole transactions", async () => {
    const t = await openTestSqliteStorage();
    try {
      const { kills, commits } = await crashRounds(t, 5, 10);
      expect(kills).toBe(50);
      expect(commits).toBeGreaterThan(50);
    } finally {
      await t.cleanup();
    }
  }, 120_000);

  it("Postgres: SIGKILLed writers leave only whole transactions", async () => {
    const t = await openTestPostgresStorage();
    try {
      const { kills, commits } = await crashRounds(t, 2, 4);
      expect(kills).toBe(8);
      expect(commits).toBeGreaterThan(8);
    } finally {
      await t.cleanup();
    }
  }, 120_000);
});
