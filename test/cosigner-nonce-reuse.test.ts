// What the nonce invariant prevents: a secret nonce that signs more than once gives away the share. The share is
// recovered here from partial signatures with BIP-327's own signing equation, computed in this test (tagged hashes,
// key aggregation coefficient, nonce coefficient, challenge, parities) — not by keyward — and keyward is shown
// to release only one partial signature per nonce however it is asked.
import { secp256k1 } from "@noble/curves/secp256k1.js";
import { sha256 } from "@noble/hashes/sha2.js";
import * as musig from "@scure/btc-signer/musig2.js";
import { afterEach, describe, expect, it } from "vitest";
import { bytesToHex, concatBytes, utf8 } from "../src/crypto/bytes.js";
import { randomBytes } from "../src/crypto/random.js";
import { Secret } from "../src/crypto/secret.js";
import { Delegates } from "../src/delegates/delegates.js";
import { newAppKey, recordingAudit, registerVersions } from "../src/delegates/test-support.js";
import { openTestSqliteStorage, type TestStorage } from "../src/store/testing.js";

const { Point } = secp256k1;
const N = Point.CURVE().n;
const mod = (a: bigint) => ((a % N) + N) % N;
const int = (b: Uint8Array) => BigInt(`0x${bytesToHex(b) || "0"}`);
const tagged = (tag: string, ...parts: Uint8Array[]) => {
  const t = sha256(utf8(tag));
  return sha256(concatBytes(t, t, ...parts));
};
const xbytes = (P: InstanceType<typeof Point>) => P.toBytes(true).subarray(1);
const evenY = (P: InstanceType<typeof Point>) => P.toBytes(true)[0] === 2;
function inv(a: bigint): bigint {
  // Fermat: a^(n-2) mod n.
  let r = 1n;
  let b = mod(a);
  for (let e = N - 2n; e > 0n; e >>= 1n) {
    if (e & 1n) r = mod(r * b);
    b = mod(b * b);
  }
  return r;
}

/** BIP-327 KeyAgg (no tweaks): Q and the coefficient of `pk`. */
function keyAgg(pks: Uint8Array[], pk: Uint8Array): { Q: InstanceType<typeof Point>; a: bigint } {
  const L = tagged("KeyAgg list", ...pks);
  const second = pks.find((p) => bytesToHex(p) !== bytesToHex(pks[0]!));
  const coeff = (p: Uint8Array) =>
    second && bytesToHex(p) === bytesToHex(second) ? 1n : mod(int(tagged("KeyAgg coefficient", L, p)));
  const Q = pks.map((p) => Point.fromBytes(p).multiply(coeff(p))).reduce((x, y) => x.add(y));
  return { Q, a: coeff(pk) };
}

/**
 * The coefficients of s = c1·k1 + c2·k2 + c3·d in one session (BIP-327 Sign): k1, k2 negated when R has odd y,
 * d negated when Q has odd y; b = H_noncecoef(aggnonce ‖ xbytes(Q) ‖ m), e = H_challenge(xbytes(R) ‖ xbytes(Q) ‖ m).
 */
function coefficients(aggNonce: Uint8Array, pks: Uint8Array[], pk: Uint8Array, m: Uint8Array): bigint[] {
  const { Q, a } = keyAgg(pks, pk);
  const b = mod(int(tagged("MuSig/noncecoef", aggNonce, xbytes(Q), m)));
  const R = Point.fromBytes(aggNonce.subarray(0, 33)).add(Point.fromBytes(aggNonce.subarray(33)).multiply(b));
  const e = mod(int(tagged("BIP0340/challenge", xbytes(R), xbytes(Q), m)));
  const sR = evenY(R) ? 1n : N - 1n;
  const g = evenY(Q) ? 1n : N - 1n;
  return [sR, mod(sR * b), mod(e * a * g)];
}

/** Solves the 3×3 system A·x = s (mod n) by Cramer's rule; returns x[2] (the share). */
function solveShare(A: bigint[][], s: bigint[]): bigint {
  const det = (M: bigint[][]) =>
    mod(
      M[0]![0]! * (M[1]![1]! * M[2]![2]! - M[1]![2]! * M[2]![1]!) -
        M[0]![1]! * (M[1]![0]! * M[2]![2]! - M[1]![2]! * M[2]![0]!) +
        M[0]![2]! * (M[1]![0]! * M[2]![1]! - M[1]![1]! * M[2]![0]!),
    );
  const D = det(A);
  const A3 = A.map((row, i) => [row[0]!, row[1]!, s[i]!]);
  return mod(det(A3) * inv(D));
}

let t: TestStorage | undefined;
afterEach(async () => {
  await t?.cleanup();
});

describe("nonce reuse", () => {
  it("three partial signatures from one secret nonce reveal the share (two already tie it to k2)", () => {
    const share = randomBytes(32);
    const pk = musig.IndividualPubkey(share);
    const peerSk = randomBytes(32);
    const pks = musig.sortKeys([pk, musig.IndividualPubkey(peerSk)]);
    const msg = new Uint8Array(32).fill(0xab);
    const nonce = musig.nonceGen(pk, share);
    const A: bigint[][] = [];
    const s: bigint[] = [];
    // The same secret nonce, three times, each with a different peer nonce: what a cosigner without the
    // invariant does when a coordinator replays round 2 (or after restarts that reuse a sealed nonce).
    for (let i = 0; i < 3; i++) {
      const peer = musig.nonceGen(musig.IndividualPubkey(peerSk), peerSk).public;
      const mine = bytesToHex(pks[0]!) === bytesToHex(pk);
      const agg = musig.nonceAggregate(mine ? [nonce.public, peer] : [peer, nonce.public]);
      const psig = new musig.Session(agg, pks, msg).sign(Uint8Array.from(nonce.secret), share);
      A.push(coefficients(agg, pks, pk, msg));
      s.push(int(psig));
    }
    expect(solveShare(A, s).toString(16).padStart(64, "0")).toBe(bytesToHex(share));
  });

  it("keyward releases one partial signature per nonce: replays, restarts and fresh rounds never reuse it", async () => {
    t = await openTestSqliteStorage();
    const d = new Delegates({ storage: t.storage, audit: recordingAudit() });
    const app = newAppKey();
    await d.apps.register("ark", app.publicKey);
    const delegate = (await registerVersions(d, app, "ark", [1])).get(1)!;
    const share = randomBytes(32);
    await d.secrets.put(delegate, "dkg-secret.u", Secret.from(share));
    const peerSk = randomBytes(32);
    const peerPk = musig.IndividualPubkey(peerSk);
    const c = await d.cosigners.create(
      delegate,
      { imported: "dkg-secret.u" },
      { peers: [peerPk], messages: [new Uint8Array(32).fill(0xab)], expiresAt: Date.now() + 60_000 },
    );
    const { round, pubNonces } = await d.cosigners.nonce(c.id);
    const released = new Map<string, Set<string>>();
    const attempt = async (r: number) => {
      const peer = musig.nonceGen(peerPk, peerSk).public;
      const out = await d.cosigners
        .sign(c.id, r, { pubNonces: [[peer]] })
        .catch((e: { code: string }) => e.code);
      if (typeof out !== "string") {
        const nonce = (await d.cosigners.show(c.id)).rounds.find((x) => x.round === r)!.pubNonces[0]!;
        released.set(nonce, (released.get(nonce) ?? new Set()).add(out.partialSigs[0]!));
      }
      return typeof out === "string" ? out : "signed";
    };
    expect(await attempt(round)).toBe("signed");
    expect(await attempt(round)).toBe("nonce_stale");
    await new Delegates({ storage: t.storage, audit: recordingAudit() }).cosigners.rehydrate();
    expect(await attempt(round)).toBe("nonce_stale");
    const next = await d.cosigners.nonce(c.id);
    expect(next.pubNonces[0]).not.toBe(pubNonces[0]);
    expect(await attempt(next.round)).toBe("signed");
    for (const sigs of released.values()) expect(sigs.size).toBe(1);
    expect(released.size).toBe(2);
  });
});
