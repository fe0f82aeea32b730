// Kill -9 test of audited signing: a child signs in a loop and prints each signature as it is returned; it is
// SIGKILLed at random moments. After every kill, each printed signature has its audit entry and the chain
// verifies (issue 21: no signature exists without its audit entry).
import { spawn } from "node:child_process";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { build } from "esbuild";
import { beforeAll, describe, expect, it } from "vitest";
import { bytesToHex } from "../src/crypto/bytes.js";
import { canonicalDecode } from "../src/crypto/canonical.js";
import { blake3Hash } from "../src/crypto/hash.js";
import { createCustody } from "../src/service/custody.js";
import { openStorage } from "../src/store/open.js";
import { openTestPostgresStorage, openTestSqliteStorage, type TestStorage } from "../src/store/testing.js";
import { nodeVerifyEd25519 } from "./custody-helpers.js";

const DIR = join("node_modules", ".cache", "keyward-sign-crash");
const BUNDLE = join(DIR, "sign-crash-worker.mjs");
beforeAll(async () => {
  mkdirSync(DIR, { recursive: true });
  await build({
    entryPoints: ["test/sign-crash-worker.ts"],
    outfile: BUNDLE,
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20",
    packages: "external",
    logLevel: "error",
  });
});

interface Printed {
  readonly message: string;
  readonly publicKey: string;
  readonly signature: string;
}

/**
 * Runs one child until it has printed `atLeast` signatures, then SIGKILLs it at a random moment up to 400 ms
 * later and returns every signature it printed. Waiting for a count rather than a fixed time keeps the test
 * meaningful on a loaded machine, where a child may sign nothing in the first half second.
 */
async function signUntilKilled(t: TestStorage, run: string, atLeast: number): Promise<Printed[]> {
  const proc = spawn(process.execPath, [BUNDLE, t.dbUrl, run], {
    env: { ...process.env, KW_CRASH_KEY: bytesToHex(t.key) },
    stdio: ["ignore", "pipe", "inherit"],
  });
  const printed: Printed[] = [];
  let enough: () => void = () => undefined;
  const signedEnough = new Promise<void>((resolve) => {
    enough = resolve;
  });
  let buf = "";
  const exited = new Promise<void>((resolve) => proc.on("exit", () => resolve()));
  const ready = new Promise<void>((resolve, reject) => {
    proc.stdout.on("data", (chunk: Buffer) => {
      buf += chunk.toString();
      const lines = buf.split("\n");
      buf = lines.pop() ?? "";
      for (const line of lines) {
        if (line === "ready") resolve();
        const [tag, message, publicKey, signature] = line.split(" ");
        if (tag === "sig") printed.push({ message: message!, publicKey: publicKey!, signature: signature! });
        if (printed.length >= atLeast) enough();
      }
    });
    proc.on("exit", () => reject(new Error(`signer ${run} exited before it was ready`)));
  });
  await ready;
  await Promise.race([signedEnough, exited]);
  await new Promise((r) => setTimeout(r, Math.random() * 400));
  proc.kill("SIGKILL");
  await exited;
  return printed; // only complete lines: a line cut by the kill was never a returned signature
}

const ed25519Verifies = (p: Printed) =>
  nodeVerifyEd25519(p.publicKey, Buffer.from(p.message, "hex"), p.signature);

/** `kills` rounds of `processes` children signing at once on the store, each round checked after the kill. */
async function killRounds(t: TestStorage, kills: number, perRun: number, processes = 1): Promise<number> {
  // The partition and the audit key exist before the first child starts.
  const setup = await createCustody(t.storage);
  await setup.custody.createPartition("crash");
  setup.close();
  await t.storage.close();
  let total = 0;
  for (let k = 0; k < kills; k++) {
    const runs = Array.from({ length: processes }, (_, i) => signUntilKilled(t, `r${k}p${i}`, perRun));
    const printed = (await Promise.all(runs)).flat();
    const s = await openStorage({ db: t.dbUrl, unseal: { key: t.key } });
    const { audit, close } = await createCustody(s);
    try {
      expect(await audit.verify()).toMatchObject({ ok: true });
      // Every custody.sign entry's message HMAC, with the key it names.
      const logged = new Map<string, string>();
      for await (const e of audit.entries()) {
        const body = canonicalDecode("keyward v1 audit-body", Buffer.from(e.body, "hex")) as {
          kind: string;
          data: { publicKey: string };
          sensitive: { messageHash?: string };
        };
        if (body.kind === "custody.sign") logged.set(body.sensitive.messageHash!, body.data.publicKey);
      }
      for (const p of printed) {
        expect(ed25519Verifies(p)).toBe(true);
        const digest = audit.sensitiveDigest(
          "messageHash",
          bytesToHex(blake3Hash(Buffer.from(p.message, "hex"))),
        );
        expect(logged.get(digest), `run r${k}: signature without its audit entry`).toBe(p.publicKey);
      }
      total += printed.length;
    } finally {
      close();
      await s.close();
    }
  }
  return total;
}

describe("sign crash test (kill -9)", () => {
  it("SQLite: after each of 10 SIGKILLs every returned signature has its audit entry and the chain verifies", async () => {
    const t = await openTestSqliteStorage();
    try {
      expect(await killRounds(t, 10, 11)).toBeGreaterThan(100);
    } finally {
      await t.cleanup();
    }
  }, 180_000);

  // Each process's connection caches the log's last row while SQLite's data_version shows no other writer: two
  // processes appending to one file at once must still form one chain (no fork, no gap, no lost entry).
  it("SQLite, two processes on one file: after each of 4 SIGKILLs every signature has its entry, one chain", async () => {
    const t = await openTestSqliteStorage();
    try {
      expect(await killRounds(t, 4, 11, 2)).toBeGreaterThan(80);
    } finally {
      await t.cleanup();
    }
  }, 180_000);

  it("Postgres: after each of 4 SIGKILLs every returned signature has its audit entry", async () => {
    const t = await openTestPostgresStorage();
    try {
      expect(await killRounds(t, 4, 6)).toBeGreaterThan(20);
    } finally {
      await t.cleanup();
    }
  }, 180_000);
});
