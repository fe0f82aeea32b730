// HTTP routes of cosigner sessions: create over an imported share and a custody share, both rounds, verify,
// aggregate (signatures checked with @noble/curves), refusals with stable codes; no share or nonce in the logs.
import { schnorr } from "@noble/curves/secp256k1.js";
import * as musig from "@scure/btc-signer/musig2.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bytesToHex, hexToBytes } from "../src/crypto/bytes.js";
import { randomBytes } from "../src/crypto/random.js";
import { formatCertificate } from "../src/delegates/certificate.js";
import { certifyVersion, newAppKey } from "../src/delegates/test-support.js";
import { leakForms, startTestApp, type TestApp } from "./http-harness.js";

let t: TestApp;
let token: string;
let delegate = "";
const share = randomBytes(32);
const peerSk = randomBytes(32);
const peerPk = musig.IndividualPubkey(peerSk);
const messages = ["11".repeat(32), "22".repeat(32)];
const appKey = newAppKey();

beforeAll(async () => {
  t = await startTestApp();
  token = await t.token([
    "delegates:read",
    "delegates:write",
    "delegates:secrets",
    "custody:admin",
    "custody:read",
    "custody:sign",
  ]);
  await t.request("POST", "/v1/apps", { token, body: { name: "ark", publicKey: appKey.hex } });
  const r = await t.request("POST", "/v1/delegates", {
    token,
    body: { certificate: formatCertificate(certifyVersion(appKey, "ark", 1)) },
  });
  delegate = r.json().delegateKey;
  await t.request("PUT", `/v1/delegates/${delegate}/secrets/dkg-secret.alice`, {
    token,
    body: { value: bytesToHex(share), encoding: "hex" },
  });
});
afterAll(async () => {
  const logs = t.logs.join("");
  for (const form of leakForms([...t.issued, share, peerSk])) expect(logs).not.toContain(form);
  await t.close();
});

/** The peer on @scure/btc-signer: nonces, then its partial signatures given keyward's nonces. */
function peer(info: {
  participants: string[];
  signerIndex: number;
  tweaks: { tweak: string; xOnly: boolean }[];
}) {
  const keys = info.participants.map((p) => hexToBytes(p));
  const nonces = messages.map(() => musig.nonceGen(peerPk, peerSk));
  return {
    pubNonces: nonces.map((n) => [bytesToHex(n.public)]),
    sign: (kw: string[]) =>
      messages.map((m, i) => {
        const all =
          info.signerIndex === 0
            ? [hexToBytes(kw[i]!), nonces[i]!.public]
            : [nonces[i]!.public, hexToBytes(kw[i]!)];
        const s = new musig.Session(
          musig.nonceAggregate(all),
          keys,
          hexToBytes(m),
          info.tweaks.map((x) => hexToBytes(x.tweak)),
          info.tweaks.map((x) => x.xOnly),
        );
        return [bytesToHex(s.sign(nonces[i]!.secret, peerSk))];
      }),
  };
}

async function cosign(body: object) {
  const created = await t.request("POST", `/v1/delegates/${delegate}/cosigners`, { token, body });
  expect(created.statusCode, created.body).toBe(201);
  const c = created.json();
  const n = await t.request("POST", `/v1/cosigners/${c.id}/nonce`, { token, body: {} });
  expect(n.statusCode).toBe(200);
  const { round, pubNonces } = n.json();
  const p = peer(c);
  const signed = await t.request("POST", `/v1/cosigners/${c.id}/sign`, {
    token,
    body: { round, pubNonces: p.pubNonces },
  });
  expect(signed.statusCode, signed.body).toBe(200);
  expect(signed.json().partialSigs).toHaveLength(2);
  const theirs = p.sign(pubNonces);
  const v = await t.request("POST", `/v1/cosigners/${c.id}/verify`, {
    token,
    body: { round, partialSigs: theirs },
  });
  expect(v.json()).toEqual({ valid: [true, true], invalid: [] });
  const agg = await t.request("POST", `/v1/cosigners/${c.id}/aggregate`, {
    token,
    body: { round, partialSigs: theirs },
  });
  expect(agg.statusCode).toBe(200);
  const { signatures, aggregateKey } = agg.json();
  for (const [i, sig] of (signatures as string[]).entries())
    expect(schnorr.verify(hexToBytes(sig), hexToBytes(messages[i]!), hexToBytes(aggregateKey))).toBe(true);
  const again = await t.request("POST", `/v1/cosigners/${c.id}/sign`, {
    token,
    body: { round, pubNonces: p.pubNonces },
  });
  expect(again.statusCode).toBe(409);
  expect(again.json().error.code).toBe("nonce_stale");
  return c;
}

describe("cosigners over HTTP", () => {
  const expiresAt = new Date(Date.now() + 3_600_000).toISOString();
  it("imported share: create, round 1, round 2, verify, aggregate; the replayed round 2 is refused", async () => {
    const c = await cosign({
      share: { secret: "dkg-secret.alice" },
      peers: [bytesToHex(peerPk)],
      messages,
      expiresAt,
      taproot: true,
    });
    expect(c.publicKey).toBe(bytesToHex(musig.IndividualPubkey(share)));
    const list = await t.request("GET", `/v1/delegates/${delegate}/cosigners`, { token });
    expect(list.json().cosigners.map((x: { id: string }) => x.id)).toContain(c.id);
    const shown = await t.request("GET", `/v1/cosigners/${c.id}`, { token });
    expect(shown.json().rounds[0]).toMatchObject({ round: 1, state: "signed" });
    expect(shown.body).not.toContain(bytesToHex(share));
  });

  it("custody share: the identity's bip340 key cosigns (needs custody:sign)", async () => {
    await t.request("POST", "/v1/partitions", { token, body: { name: "ark" } });
    const share = { partition: "ark", identity: "email:alice@example.com" };
    const c = await cosign({ share, peers: [bytesToHex(peerPk)], messages, expiresAt });
    const key = await t.request(
      "GET",
      `/v1/partitions/ark/identities/${encodeURIComponent("email:alice@example.com")}/key?scheme=bip340`,
      { token },
    );
    expect(c.publicKey.slice(2)).toBe(key.json().publicKey);
    const weak = await t.token(["delegates:write"]);
    const refused = await t.request("POST", `/v1/delegates/${delegate}/cosigners`, {
      token: weak,
      body: { share, peers: [bytesToHex(peerPk)], messages, expiresAt },
    });
    expect(refused.statusCode).toBe(403);
  });

  it("refuses bad input with stable codes naming the field or the signer", async () => {
    const bad = await t.request("POST", `/v1/delegates/${delegate}/cosigners`, {
      token,
      body: { share: { secret: "dkg-secret.alice" }, peers: ["02" + "00".repeat(32)], messages, expiresAt },
    });
    expect(bad.statusCode).toBe(422);
    expect(bad.json().error).toMatchObject({ code: "invalid_contribution" });
    const missing = await t.request("POST", `/v1/cosigners/cos_nope/nonce`, { token, body: {} });
    expect(missing.statusCode).toBe(404);
    const shape = await t.request("POST", `/v1/delegates/${delegate}/cosigners`, {
      token,
      body: { share: { secret: "dkg-secret.alice" }, peers: ["zz"], messages, expiresAt },
    });
    expect(shape.statusCode).toBe(400);
  });
});
