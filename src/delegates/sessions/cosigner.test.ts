// Cosigner sessions on a real sealed SQLite file against a second signer that uses @scure/btc-signer directly:
// the aggregate BIP-340 signatures verify with @noble/curves; nonces sign once; restarts abort open rounds.
import { readFileSync } from "node:fs";
import { schnorr } from "@noble/curves/secp256k1.js";
import * as musig from "@scure/btc-signer/musig2.js";
import { taprootTweakPubkey } from "@scure/btc-signer/utils.js";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { pinnedCustody } from "../../../test/custody-helpers.js";
import { bytesToHex, hexToBytes } from "../../crypto/bytes.js";
import { randomBytes } from "../../crypto/random.js";
import { Secret } from "../../crypto/secret.js";
import type { KeywardError } from "../../errors/keyward-error.js";
import { custodyCosignerShares } from "../../service/delegates.js";
import { openTestSqliteStorage, type TestStorage } from "../../store/testing.js";
import { Delegates } from "../delegates.js";
import { delegateNamespace } from "../records.js";
import { newAppKey, recordedEvents, recordingAudit, registerVersions } from "../test-support.js";
import { COSIGNER_TABLES, nonceSecretName } from "./cosigner-records.js";

let t: TestStorage;
let now: number;
let d: Delegates;
let v: Map<number, string>;
const share = randomBytes(32);
const peerSk = randomBytes(32);
const peerPk = musig.IndividualPubkey(peerSk);
const messages = [new Uint8Array(32).fill(1), new Uint8Array(32).fill(2), new Uint8Array(32).fill(3)];

const make = () => new Delegates({ storage: t.storage, audit: recordingAudit(), now: () => now });
const code = async (p: Promise<unknown>) => ((await p.catch((e: unknown) => e)) as KeywardError).code;

beforeEach(async () => {
  t = await openTestSqliteStorage();
  now = Date.UTC(2026, 0, 1);
  d = make();
  const app = newAppKey();
  await d.apps.register("ark", app.publicKey);
  v = await registerVersions(d, app, "ark", [1, 2]);
  await d.secrets.put(v.get(1)!, "dkg-secret.alice", Secret.from(share));
});
afterEach(async () => {
  await t.cleanup();
});

const plan = (over: object = {}) => ({ peers: [peerPk], messages, expiresAt: now + 3_600_000, ...over });

/** The second signer, straight on @scure/btc-signer: its nonces, then its partial signatures. */
function peer(info: {
  participants: readonly string[];
  tweaks: readonly { tweak: string; xOnly: boolean }[];
}) {
  const keys = info.participants.map((p) => hexToBytes(p));
  const tweaks = info.tweaks.map((x) => hexToBytes(x.tweak));
  const xonly = info.tweaks.map((x) => x.xOnly);
  const nonces = messages.map(() => musig.nonceGen(peerPk, peerSk));
  return {
    pubNonces: nonces.map((n) => n.public),
    sign(ours: readonly string[]) {
      return messages.map((m, i) => {
        const agg = musig.nonceAggregate(this.order(hexToBytes(ours[i]!), nonces[i]!.public, keys));
        return new musig.Session(agg, keys, m, tweaks, xonly).sign(nonces[i]!.secret, peerSk);
      });
    },
    order(mine: Uint8Array, theirs: Uint8Array, all: Uint8Array[]) {
      return bytesToHex(all[0]!) === bytesToHex(peerPk) ? [theirs, mine] : [mine, theirs];
    },
  };
}

describe("a two-party MuSig2 cosigner session over an imported share (seed 001's dkg-secret)", () => {
  it("cosigns every message; the aggregate BIP-340 signatures verify; nothing secret is in state", async () => {
    const c = await d.cosigners.create(v.get(1)!, { imported: "dkg-secret.alice" }, plan());
    expect(c.publicKey).toBe(bytesToHex(musig.IndividualPubkey(share)));
    expect(c.participants).toEqual(musig.sortKeys([peerPk, hexToBytes(c.publicKey)]).map(bytesToHex));
    const { round, pubNonces } = await d.cosigners.nonce(c.id);
    expect(round).toBe(1);
    expect((await d.cosigners.nonce(c.id)).pubNonces).toEqual(pubNonces); // open round: same nonces
    const p = peer(c);
    const { partialSigs } = await d.cosigners.sign(c.id, round, { pubNonces: p.pubNonces.map((n) => [n]) });
    const theirs = p.sign(pubNonces);
    const check = await d.cosigners.verify(
      c.id,
      round,
      theirs.map((x) => [x]),
    );
    expect(check).toEqual({ valid: [true, true, true], invalid: [] });
    const { signatures, aggregateKey } = await d.cosigners.aggregate(
      c.id,
      round,
      theirs.map((s) => [s]),
    );
    for (const [i, sig] of signatures.entries())
      expect(schnorr.verify(hexToBytes(sig), messages[i]!, hexToBytes(aggregateKey))).toBe(true);
    expect(partialSigs).toHaveLength(3);
    // No share, no nonce in the database file (state or sealed), and the nonces are gone after round 2.
    const ns = delegateNamespace(v.get(1)!);
    expect(await t.storage.secrets.has(ns, nonceSecretName(c.id, 1))).toBe(false);
    const db = readFileSync(t.dbUrl.slice("sqlite:".length));
    expect(db.includes(Buffer.from(share))).toBe(false);
    expect(db.includes(Buffer.from(bytesToHex(share)))).toBe(false);
    expect(JSON.stringify(await d.cosigners.show(c.id))).not.toContain(bytesToHex(share));
    expect(await d.secrets.list(v.get(1)!)).toEqual(["dkg-secret.alice"]);
  });

  it("a round signs once: a second round 2 is refused (nonce_stale) whatever nonces come with it", async () => {
    const c = await d.cosigners.create(v.get(1)!, { imported: "dkg-secret.alice" }, plan());
    const { round } = await d.cosigners.nonce(c.id);
    await d.cosigners.sign(c.id, round, { pubNonces: peer(c).pubNonces.map((n) => [n]) });
    expect(await code(d.cosigners.sign(c.id, round, { pubNonces: peer(c).pubNonces.map((n) => [n]) }))).toBe(
      "nonce_stale",
    );
    const next = await d.cosigners.nonce(c.id);
    expect(next.round).toBe(2);
    expect(await code(d.cosigners.sign(c.id, 1, { pubNonces: peer(c).pubNonces.map((n) => [n]) }))).toBe(
      "nonce_stale",
    );
  });

  it("a restart aborts the open round: the old public nonces are refused, round 1 starts again", async () => {
    const c = await d.cosigners.create(v.get(1)!, { imported: "dkg-secret.alice" }, plan());
    const old = await d.cosigners.nonce(c.id);
    const report = await make().cosigners.rehydrate();
    expect(report.restarted).toEqual([{ id: c.id, aborted: 1, round: 2 }]);
    expect(await code(d.cosigners.sign(c.id, 1, { pubNonces: peer(c).pubNonces.map((n) => [n]) }))).toBe(
      "nonce_stale",
    );
    const fresh = await d.cosigners.nonce(c.id);
    expect(fresh.round).toBe(2);
    expect(fresh.pubNonces).not.toEqual(old.pubNonces);
    const shown = await d.cosigners.show(c.id);
    expect(shown.rounds.map((r) => [r.round, r.state, r.abortedReason])).toEqual([
      [1, "aborted", "restart"],
      [2, "open", undefined],
    ]);
    const kinds = (await recordedEvents(t.storage)).map((e) => e.kind);
    expect(kinds).toContain("delegate.cosigner.round-aborted");
  });

  it("names the message, signer and contribution of a bad nonce or partial signature; nothing is used up", async () => {
    const c = await d.cosigners.create(v.get(1)!, { imported: "dkg-secret.alice" }, plan());
    const { round, pubNonces } = await d.cosigners.nonce(c.id);
    const p = peer(c);
    const bad = p.pubNonces.map((n) => [n]);
    bad[1] = [new Uint8Array(66).fill(4)];
    const err = (await d.cosigners
      .sign(c.id, round, { pubNonces: bad })
      .catch((e: unknown) => e)) as KeywardError;
    expect(err.code).toBe("invalid_contribution");
    expect(err.details).toMatchObject({ signer: 1 - c.signerIndex, contribution: "pubnonce" });
    // The refused call released nothing: the round is still open and signs once.
    await d.cosigners.sign(c.id, round, { pubNonces: p.pubNonces.map((n) => [n]) });
    const theirs = p.sign(pubNonces);
    theirs[2] = new Uint8Array(32).fill(7);
    const agg = (await d.cosigners
      .aggregate(
        c.id,
        round,
        theirs.map((s) => [s]),
      )
      .catch((e: unknown) => e)) as KeywardError;
    expect(agg.code).toBe("invalid_contribution");
    expect(agg.details).toEqual({ message: 2, signer: 1 - c.signerIndex, contribution: "psig" });
    const v2 = await d.cosigners.verify(
      c.id,
      round,
      theirs.map((x) => [x]),
    );
    expect(v2).toEqual({ valid: [true, true, false], invalid: [{ message: 2, signer: 1 - c.signerIndex }] });
  });

  it("applies a BIP-341 taproot tweak: the signatures verify under the output key of the internal key", async () => {
    const c = await d.cosigners.create(v.get(1)!, { imported: "dkg-secret.alice" }, plan({ taproot: true }));
    const [outputKey] = taprootTweakPubkey(hexToBytes(c.internalKey), new Uint8Array(0));
    expect(c.aggregateKey).toBe(bytesToHex(outputKey));
    const { round, pubNonces } = await d.cosigners.nonce(c.id);
    const p = peer(c);
    await d.cosigners.sign(c.id, round, { pubNonces: p.pubNonces.map((n) => [n]) });
    const { signatures } = await d.cosigners.aggregate(
      c.id,
      round,
      p.sign(pubNonces).map((s) => [s]),
    );
    for (const [i, sig] of signatures.entries())
      expect(schnorr.verify(hexToBytes(sig), messages[i]!, outputKey)).toBe(true);
  });

  it("round 1 fires by itself at fireAt, once, on whichever instance gets there first", async () => {
    const c = await d.cosigners.create(
      v.get(1)!,
      { imported: "dkg-secret.alice" },
      plan({ fireAt: now + 1000 }),
    );
    expect(await d.cosigners.runDue()).toEqual([]);
    now += 1000;
    const [a, b] = await Promise.all([make().cosigners.runDue(), make().cosigners.runDue()]);
    expect([...a!, ...b!]).toEqual([{ id: c.id, round: 1 }]);
    expect((await d.cosigners.show(c.id)).rounds.map((r) => r.state)).toEqual(["open"]);
  });

  it("drops a session whose share is gone at rehydration (with an event); follows a migration", async () => {
    const c = await d.cosigners.create(v.get(1)!, { imported: "dkg-secret.alice" }, plan());
    const { token } = await d.tokens.issue(v.get(1)!, v.get(2)!);
    await d.migrations.migrate(v.get(1)!, v.get(2)!, token);
    expect((await d.cosigners.list(v.get(2)!)).map((x) => x.id)).toEqual([c.id]);
    expect((await d.cosigners.nonce(c.id)).round).toBe(1);
    await t.storage.secrets.delete(delegateNamespace(v.get(2)!), "dkg-secret.alice");
    const report = await make().cosigners.rehydrate();
    expect(report.dropped).toEqual([{ id: c.id, reason: "share_missing" }]);
    expect(await COSIGNER_TABLES.session.get(t.storage.state, c.id)).toBeUndefined();
    expect(await t.storage.secrets.has(delegateNamespace(v.get(2)!), nonceSecretName(c.id, 1))).toBe(false);
    expect((await recordedEvents(t.storage)).some((e) => e.kind === "delegate.cosigner.dropped")).toBe(true);
  });

  it("refuses malformed input naming the field", async () => {
    await expect(d.cosigners.create(v.get(1)!, { imported: "nope" }, plan())).rejects.toMatchObject({
      code: "not_found",
    });
    await expect(
      d.cosigners.create(v.get(1)!, { imported: "dkg-secret.alice" }, plan({ peers: [new Uint8Array(32)] })),
    ).rejects.toThrow(/peers\[0\] must be 33 bytes/);
    await expect(
      d.cosigners.create(v.get(1)!, { imported: "dkg-secret.alice" }, plan({ messages: [] })),
    ).rejects.toThrow(/messages must not be empty/);
  });
});

describe("a cosigner session over a custody-derived share", () => {
  it("uses the identity's bip340 key as the share: same x-only key, signatures verify", async () => {
    const svc = await pinnedCustody(t.storage, "ark");
    const dc = new Delegates({
      storage: t.storage,
      audit: recordingAudit(),
      now: () => now,
      cosignerShares: custodyCosignerShares(svc.custody),
    });
    const ref = { partition: "ark", identity: "email:alice@example.com" };
    const c = await dc.cosigners.create(v.get(1)!, { custody: ref }, plan());
    expect(c.publicKey.slice(2)).toBe((await svc.custody.key(ref, "bip340")).publicKey);
    const { round, pubNonces } = await dc.cosigners.nonce(c.id);
    const p = peer(c);
    await dc.cosigners.sign(c.id, round, { pubNonces: p.pubNonces.map((n) => [n]) });
    const { signatures, aggregateKey } = await dc.cosigners.aggregate(
      c.id,
      round,
      p.sign(pubNonces).map((s) => [s]),
    );
    expect(schnorr.verify(hexToBytes(signatures[0]!), messages[0]!, hexToBytes(aggregateKey))).toBe(true);
    for (const b of svc.keyBuffers) expect(b.every((x) => x === 0)).toBe(true);
    // A restart while the share is unusable (suspended identity) still aborts the open round: its old public
    // nonces are refused even though round 1 cannot start again yet.
    const open = await dc.cosigners.nonce(c.id);
    await svc.custody.suspend(ref);
    const report = await dc.cosigners.rehydrate();
    expect(report.kept).toEqual([{ id: c.id, reason: "suspended" }]);
    await svc.custody.resume(ref);
    expect(
      await code(dc.cosigners.sign(c.id, open.round, { pubNonces: peer(c).pubNonces.map((n) => [n]) })),
    ).toBe("nonce_stale");
    // Without the port (imported shares only), a custody share is refused clearly.
    await expect(d.cosigners.create(v.get(1)!, { custody: ref }, plan())).rejects.toMatchObject({
      code: "unavailable",
    });
    await svc.close();
  });
});
