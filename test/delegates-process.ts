// Helpers for the delegates process tests: spawn test/delegates-worker.ts and collect its JSON lines.
import { type ChildProcess, spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { dirname, join } from "node:path";
import { afterAll, afterEach, beforeAll } from "vitest";
import { bytesToHex } from "../src/crypto/bytes.js";
import { Delegates } from "../src/delegates/delegates.js";
import { newAppKey, recordingAudit, registerVersions } from "../src/delegates/test-support.js";
import type { TestStorage } from "../src/store/testing.js";

/**
 * Bundles a TypeScript entry into one ESM file (esbuild, which tsx ships with) so that each spawned process
 * starts in ~0.25 s instead of ~0.7 s through tsx: the crash test spawns more than 50 workers and the CLI
 * test runs the CLI ~30 times. The bundle lives under node_modules/.cache so bare imports still resolve.
 */
export async function bundleEntry(entry: string): Promise<string> {
  const { build } = await import("esbuild");
  const cache = join(process.cwd(), "node_modules", ".cache");
  mkdirSync(cache, { recursive: true });
  const dir = mkdtempSync(join(cache, "keyward-delegates-test-"));
  const outfile = join(dir, "bundle.mjs");
  await build({
    entryPoints: [entry],
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20",
    packages: "external",
    outfile,
    logLevel: "silent",
  });
  return outfile;
}

/** The worker bundle (see bundleEntry). */
export function bundleWorker(): Promise<string> {
  return bundleEntry("test/delegates-worker.ts");
}

/**
 * Call at a test file's top level: the worker bundle is built before the file's tests and removed after them.
 * `open` gives a test a fresh store (cleaned up after it) with Delegates over it and app `name` registered
 * with `versions` (their delegate keys by version).
 */
export function workerTests(): {
  readonly bundle: () => string;
  open(
    store: () => Promise<TestStorage>,
    name: string,
    versions: readonly number[],
  ): Promise<{ t: TestStorage; d: Delegates; v: Map<number, string> }>;
} {
  let bundle = "";
  let t: TestStorage | undefined;
  beforeAll(async () => {
    bundle = await bundleWorker();
  });
  afterAll(() => {
    rmSync(dirname(bundle), { recursive: true, force: true });
  });
  afterEach(async () => {
    await t?.cleanup();
    t = undefined;
  });
  return {
    bundle: () => bundle,
    async open(store, name, versions) {
      t = await store();
      const d = new Delegates({ storage: t.storage, audit: recordingAudit() });
      const app = newAppKey();
      await d.apps.register(name, app.publicKey);
      return { t, d, v: await registerVersions(d, app, name, versions) };
    },
  };
}

/** A running worker and its parsed stdout lines. */
export interface Worker {
  readonly child: ChildProcess;
  readonly lines: unknown[];
  /** Resolves on the first line matching `pred`. */
  waitFor(pred: (line: unknown) => boolean): Promise<unknown>;
  /** Resolves with the exit code (or signal name) once the process ended. */
  readonly exited: Promise<number | string>;
}

/** Spawns the worker in `mode` against `dbUrl`, unsealing with `key`. */
export function spawnWorker(
  mode: string,
  dbUrl: string,
  key: Uint8Array,
  args: string[],
  bundle?: string,
): Worker {
  const entry = bundle ? [bundle] : ["--import", "tsx", "test/delegates-worker.ts"];
  const child = spawn(process.execPath, [...entry, mode, dbUrl, ...args], {
    cwd: process.cwd(),
    env: { ...process.env, KW_TEST_KEY: bytesToHex(key) },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const lines: unknown[] = [];
  const waiters: { pred: (l: unknown) => boolean; resolve: (l: unknown) => void }[] = [];
  let buf = "";
  let stderr = "";
  child.stderr?.on("data", (d: Buffer) => {
    stderr += d.toString();
  });
  child.stdout?.on("data", (d: Buffer) => {
    buf += d.toString();
    for (let i = buf.indexOf("\n"); i >= 0; i = buf.indexOf("\n")) {
      const line = JSON.parse(buf.slice(0, i)) as unknown;
      buf = buf.slice(i + 1);
      lines.push(line);
      for (const w of [...waiters]) {
        if (!w.pred(line)) continue;
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(line);
      }
    }
  });
  const exited = new Promise<number | string>((resolve) =>
    child.on("exit", (code, signal) => {
      if (code && code !== 0) process.stderr.write(`worker ${mode} failed: ${stderr}\n`);
      resolve(signal ?? code ?? -1);
    }),
  );
  return {
    child,
    lines,
    exited,
    waitFor(pred) {
      const hit = lines.find(pred);
      if (hit !== undefined) return Promise.resolve(hit);
      return new Promise((resolve, reject) => {
        waiters.push({ pred, resolve });
        void exited.then(() =>
          reject(new Error(`worker ${mode} exited before the expected line: ${stderr}`)),
        );
      });
    },
  };
}
