// Two keyward instances on one PostgreSQL database race to run round 2 of the same round, each given different
// peer nonces (as a malicious coordinator would): exactly one releases partial signatures, the other gets
// nonce_stale, for every round. Real local PostgreSQL server, a schema of its own.
import { mkdtempSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import * as musig from "@scure/btc-signer/musig2.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bytesToHex } from "../src/crypto/bytes.js";
import { randomBytes } from "../src/crypto/random.js";
import { Secret } from "../src/crypto/secret.js";
import { Delegates } from "../src/delegates/delegates.js";
import { delegateNamespace } from "../src/delegates/records.js";
import { nonceSecretName } from "../src/delegates/sessions/cosigner-records.js";
import { newAppKey, recordingAudit, registerVersions } from "../src/delegates/test-support.js";
import { openTestPostgresStorage, type TestStorage } from "../src/store/testing.js";
import { bundleEntry, spawnWorker } from "./delegates-process.js";

const ROUNDS = 4;
let t: TestStorage;
let d: Delegates;
let bundle: string;
let dir: string;
let session: string;
let delegate: string;
const peerSk = randomBytes(32);

beforeAll(async () => {
  bundle = await bundleEntry("test/cosigner-worker.ts");
  dir = mkdtempSync(join(tmpdir(), "keyward-cosigner-race-"));
  t = await openTestPostgresStorage();
  d = new Delegates({ storage: t.storage, audit: recordingAudit() });
  const app = newAppKey();
  await d.apps.register("ark", app.publicKey);
  delegate = (await registerVersions(d, app, "ark", [1])).get(1)!;
  await d.secrets.put(delegate, "dkg-secret.alice", Secret.from(randomBytes(32)));
  const messages = Array.from({ length: 32 }, (_, i) => new Uint8Array(32).fill(i));
  session = (
    await d.cosigners.create(
      delegate,
      { imported: "dkg-secret.alice" },
      { peers: [musig.IndividualPubkey(peerSk)], messages, expiresAt: Date.now() + 3_600_000 },
    )
  ).id;
}, 60_000);

afterAll(async () => {
  await t.cleanup();
  rmSync(dir, { recursive: true, force: true });
  rmSync(dirname(bundle), { recursive: true, force: true });
});

describe("two instances on PostgreSQL racing round 2", () => {
  it(`exactly one signs each of ${ROUNDS} rounds`, async () => {
    for (let i = 0; i < ROUNDS; i++) {
      const go = join(dir, `go-${i}.json`);
      const workers = [0, 1].map(() =>
        spawnWorker("race-sign", t.dbUrl, t.key, [session, bytesToHex(peerSk), go], bundle),
      );
      await Promise.all(workers.map((w) => w.waitFor((l) => (l as { ready?: boolean }).ready === true)));
      // Both instances are up before the round opens (a starting instance aborts open rounds).
      const { round } = await d.cosigners.nonce(session, { fresh: true });
      // Written whole, then renamed: a worker polling for the file never reads half of it.
      writeFileSync(`${go}.tmp`, JSON.stringify({ round, startAt: Date.now() + 300 }));
      renameSync(`${go}.tmp`, go);
      await Promise.all(workers.map((w) => w.exited));
      const results = workers.map(
        (w) => w.lines[w.lines.length - 1] as { ok: boolean; code?: string; partialSigs?: string[] },
      );
      expect(results.filter((r) => r.ok)).toHaveLength(1);
      expect(results.filter((r) => !r.ok).map((r) => r.code)).toEqual(["nonce_stale"]);
      const shown = await d.cosigners.show(session);
      const rec = shown.rounds.find((r) => r.round === round)!;
      expect(rec.state).toBe("signed");
      expect(rec.partialSigs).toEqual(results.find((r) => r.ok)!.partialSigs);
      expect(await t.storage.secrets.has(delegateNamespace(delegate), nonceSecretName(session, round))).toBe(
        false,
      );
    }
  }, 120_000);
});
