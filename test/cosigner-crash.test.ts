// Nonce safety under SIGKILL: an instance running MuSig2 rounds over 16 messages is killed at ≥ 20 random moments
// (inside round 1, between the rounds, inside round 2); restarted instances continue on the same SQLite file.
// Never two partial signatures from one nonce: every released partial signature is the one recorded for its
// round, verifies (independently, with @scure/btc-signer) against that round's public nonce, and every round
// left open by a killed instance is refused afterwards.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import * as musig from "@scure/btc-signer/musig2.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bytesToHex, hexToBytes } from "../src/crypto/bytes.js";
import { randomBytes } from "../src/crypto/random.js";
import { Secret } from "../src/crypto/secret.js";
import { Delegates } from "../src/delegates/delegates.js";
import { delegateNamespace } from "../src/delegates/records.js";
import { COSIGNER_TABLES, nonceSecretName } from "../src/delegates/sessions/cosigner-records.js";
import { newAppKey, recordingAudit, registerVersions } from "../src/delegates/test-support.js";
import { openStorage } from "../src/store/open.js";
import { openTestSqliteStorage } from "../src/store/testing.js";
import { bundleEntry, spawnWorker } from "./delegates-process.js";

const KILLS = 24;
const MESSAGES = 16;
let bundle: string;
let root: string;
let dbUrl: string;
let key: Uint8Array;
let session: string;
let delegate: string;
const peerSk = randomBytes(32);

beforeAll(async () => {
  bundle = await bundleEntry("test/cosigner-worker.ts");
  root = mkdtempSync(join(tmpdir(), "keyward-cosigner-crash-"));
  const t = await openTestSqliteStorage();
  ({ dbUrl, key } = t);
  const d = new Delegates({ storage: t.storage, audit: recordingAudit() });
  const app = newAppKey();
  await d.apps.register("ark", app.publicKey);
  delegate = (await registerVersions(d, app, "ark", [1])).get(1)!;
  await d.secrets.put(delegate, "dkg-secret.alice", Secret.from(randomBytes(32)));
  const messages = Array.from({ length: MESSAGES }, (_, i) => new Uint8Array(32).fill(i));
  const c = await d.cosigners.create(
    delegate,
    { imported: "dkg-secret.alice" },
    { peers: [musig.IndividualPubkey(peerSk)], messages, expiresAt: Date.now() + 3_600_000, maxRounds: 1000 },
  );
  session = c.id;
  await t.storage.close();
}, 60_000);

afterAll(() => {
  rmSync(root, { recursive: true, force: true });
  rmSync(dirname(bundle), { recursive: true, force: true });
});

type Line = {
  nonces?: number;
  pubNonces?: string[];
  peer?: string[];
  signed?: number;
  partialSigs?: string[];
  stale?: string;
  round?: number;
  rehydrated?: unknown;
};

describe("cosigner rounds under SIGKILL", () => {
  it(`never releases two partial signatures for one nonce across ${KILLS} kills`, async () => {
    const lines: Line[] = [];
    const lastBeforeKill: string[] = [];
    // Calibrate: how long one full iteration (round 1 + round 2) takes here.
    const cal = spawnWorker("crash-loop", dbUrl, key, [session, bytesToHex(peerSk)], bundle);
    await cal.waitFor((l) => (l as Line).signed !== undefined);
    const t0 = performance.now();
    await cal.waitFor(
      (l) => ((l as Line).signed ?? 0) > ((cal.lines.find((x) => (x as Line).signed) as Line).signed ?? 0),
    );
    const iteration = performance.now() - t0;
    cal.child.kill("SIGKILL");
    await cal.exited;
    lines.push(...(cal.lines as Line[]));
    for (let i = 0; i < KILLS; i++) {
      const w = spawnWorker("crash-loop", dbUrl, key, [session, bytesToHex(peerSk)], bundle);
      await w.waitFor((l) => (l as Line).rehydrated !== undefined);
      await new Promise((r) => setTimeout(r, Math.random() * iteration * 2.5));
      expect(w.child.kill("SIGKILL")).toBe(true);
      expect(await w.exited).toBe("SIGKILL");
      const ls = w.lines as Line[];
      lines.push(...ls);
      const last = ls[ls.length - 1]!;
      lastBeforeKill.push(
        last.nonces !== undefined
          ? "between-rounds-or-in-round-2"
          : last.signed !== undefined
            ? "in-round-1"
            : "at-start",
      );
    }
    // The kill points fall inside and between the rounds.
    expect(new Set(lastBeforeKill).size).toBeGreaterThanOrEqual(2);

    const storage = await openStorage({ db: dbUrl, unseal: { key } });
    try {
      const s = (await COSIGNER_TABLES.session.get(storage.state, session))!;
      const publicKeys = s.participants.map((p) => hexToBytes(p));
      const rounds = new Map<
        number,
        { state: string; pubNonces: readonly string[]; partialSigs?: readonly string[] }
      >();
      for await (const { value } of COSIGNER_TABLES.round.scan(storage.state, { prefix: `${session}/` }))
        rounds.set(value.round, value);
      const ns = delegateNamespace(delegate);
      for (const [n, r] of rounds) {
        // Sealed nonces exist only for the one open round; used and aborted rounds have none.
        expect(await storage.secrets.has(ns, nonceSecretName(session, n))).toBe(r.state === "open");
        if (r.state === "open") expect(n).toBe(s.round);
      }
      // No public nonce appears in two rounds.
      const all = [...rounds.values()].flatMap((r) => r.pubNonces);
      expect(new Set(all).size).toBe(all.length);
      // Every released partial signature is the recorded one for its round (at most one set per nonce) and
      // verifies against that round's public nonces.
      const peerOf = new Map<number, string[]>();
      for (const l of lines) if (l.nonces !== undefined) peerOf.set(l.nonces, l.peer!);
      let released = 0;
      for (const l of lines.filter((x) => x.signed !== undefined)) {
        const r = rounds.get(l.signed!)!;
        expect(r.state).toBe("signed");
        expect(l.partialSigs).toEqual(r.partialSigs);
        for (const i of [0, MESSAGES - 1]) {
          const mine = hexToBytes(r.pubNonces[i]!);
          const theirs = hexToBytes(peerOf.get(l.signed!)![i]!);
          const nonces = s.signerIndex === 0 ? [mine, theirs] : [theirs, mine];
          const ctx = new musig.Session(musig.nonceAggregate(nonces), publicKeys, hexToBytes(s.messages[i]!));
          expect(ctx.partialSigVerify(hexToBytes(l.partialSigs![i]!), nonces, s.signerIndex)).toBe(true);
        }
        released++;
      }
      expect(released).toBeGreaterThan(0);
      // Every restarted instance's attempt to finish the round its predecessor left behind was refused.
      // (A kill can land before that attempt; most instances get to it.)
      const stale = lines.filter((l) => l.stale !== undefined);
      expect(stale.length).toBeGreaterThanOrEqual(KILLS / 2);
      for (const l of stale) expect(l.stale).toBe("nonce_stale");
    } finally {
      await storage.close();
    }
  }, 180_000);

  it("a scheduled round 1 fires in a new process after the creating one was killed, without the client", async () => {
    const t = await openTestSqliteStorage();
    try {
      const d = new Delegates({ storage: t.storage, audit: recordingAudit() });
      const app = newAppKey();
      await d.apps.register("ark", app.publicKey);
      const dk = (await registerVersions(d, app, "ark", [1])).get(1)!;
      await d.secrets.put(dk, "dkg-secret.bob", Secret.from(randomBytes(32)));
      const c = await d.cosigners.create(
        dk,
        { imported: "dkg-secret.bob" },
        {
          peers: [musig.IndividualPubkey(peerSk)],
          messages: [new Uint8Array(32).fill(1)],
          expiresAt: Date.now() + 600_000,
          fireAt: Date.now() + 200,
        },
      );
      await t.storage.close();
      await new Promise((r) => setTimeout(r, 250));
      const w = spawnWorker("run-due", t.dbUrl, t.key, [c.id, bytesToHex(peerSk)], bundle);
      const line = (await w.waitFor((l) => (l as { fired?: unknown }).fired !== undefined)) as {
        fired: unknown;
      };
      expect(line.fired).toEqual([{ id: c.id, round: 1 }]);
      await w.exited;
      const again = spawnWorker("run-due", t.dbUrl, t.key, [c.id, bytesToHex(peerSk)], bundle);
      const second = (await again.waitFor((l) => (l as { fired?: unknown }).fired !== undefined)) as {
        fired: unknown;
        rehydrated: { restarted: unknown[] };
      };
      // Once only; the round the first process left open is aborted at this start and round 1 runs again.
      expect(second.fired).toEqual([]);
      expect(second.rehydrated.restarted).toEqual([{ id: c.id, aborted: 1, round: 2 }]);
      await again.exited;
    } finally {
      await t.cleanup();
    }
  }, 60_000);
});
