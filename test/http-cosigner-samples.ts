// Sample requests for the cosigner routes (authorization matrix, fuzzer): each makes a fresh session so that
// round 2, verify and aggregate are valid every time they are sent.
import * as musig from "@scure/btc-signer/musig2.js";
import { bytesToHex, hexToBytes } from "../src/crypto/bytes.js";
import { randomBytes } from "../src/crypto/random.js";
import { Secret } from "../src/crypto/secret.js";
import type { FixtureState } from "./http-fixture-state.js";
import type { Sample } from "./http-fixtures.js";

const peerSk = randomBytes(32);
const peerPk = musig.IndividualPubkey(peerSk);
const message = new Uint8Array(32).fill(0x5a);

/** A fresh session over a fresh imported share of the fixture delegate v2. */
async function fresh(f: FixtureState) {
  const name = `dkg-secret.s${f.next()}`;
  await f.t.kw.delegates.secrets.put(f.v2, name, Secret.from(randomBytes(32)));
  return f.t.kw.delegates.cosigners.create(
    f.v2,
    { imported: name },
    { peers: [peerPk], messages: [message], expiresAt: Date.now() + 3_600_000 },
  );
}

/** Round 1 done; the peer's nonce and, after `sign`, its partial signature. */
async function afterRound1(f: FixtureState, signKeyward: boolean) {
  const c = await fresh(f);
  const { round, pubNonces } = await f.t.kw.delegates.cosigners.nonce(c.id);
  const n = musig.nonceGen(peerPk, peerSk);
  const peer = bytesToHex(n.public);
  if (signKeyward) await f.t.kw.delegates.cosigners.sign(c.id, round, { pubNonces: [[n.public]] });
  const all =
    c.signerIndex === 0 ? [hexToBytes(pubNonces[0]!), n.public] : [n.public, hexToBytes(pubNonces[0]!)];
  const keys = c.participants.map((p) => hexToBytes(p));
  const psig = new musig.Session(musig.nonceAggregate(all), keys, message).sign(n.secret, peerSk);
  return { id: c.id, round, peer, psig: bytesToHex(psig) };
}

/** The cosigner samples by operationId. */
export const COSIGNER_SAMPLES: Record<string, (f: FixtureState) => Promise<Sample>> = {
  createCosigner: async (f) => {
    const name = `dkg-secret.c${f.next()}`;
    await f.t.kw.delegates.secrets.put(f.v2, name, Secret.from(randomBytes(32)));
    return {
      method: "POST",
      url: `/v1/delegates/${f.v2}/cosigners`,
      body: {
        share: { secret: name },
        peers: [bytesToHex(peerPk)],
        messages: [bytesToHex(message)],
        expiresAt: new Date(Date.now() + 3_600_000).toISOString(),
      },
    };
  },
  listCosigners: async (f) => ({ method: "GET", url: `/v1/delegates/${f.v2}/cosigners` }),
  getCosigner: async (f) => ({ method: "GET", url: `/v1/cosigners/${(await fresh(f)).id}` }),
  cosignerNonce: async (f) => ({
    method: "POST",
    url: `/v1/cosigners/${(await fresh(f)).id}/nonce`,
    body: {},
  }),
  cosignerSign: async (f) => {
    const s = await afterRound1(f, false);
    return {
      method: "POST",
      url: `/v1/cosigners/${s.id}/sign`,
      body: { round: s.round, pubNonces: [[s.peer]] },
    };
  },
  cosignerVerify: async (f) => {
    const s = await afterRound1(f, true);
    return {
      method: "POST",
      url: `/v1/cosigners/${s.id}/verify`,
      body: { round: s.round, partialSigs: [[s.psig]] },
    };
  },
  cosignerAggregate: async (f) => {
    const s = await afterRound1(f, true);
    return {
      method: "POST",
      url: `/v1/cosigners/${s.id}/aggregate`,
      body: { round: s.round, partialSigs: [[s.psig]] },
    };
  },
};
