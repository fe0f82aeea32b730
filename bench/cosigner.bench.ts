// Cosigner benchmark: MuSig2 cosigning of a 1,024-leaf tree (one nonce and one partial signature per leaf)
// through a keyward cosigner session on SQLite — round 1 (nonces sealed) and round 2 (partial signatures,
// nonces destroyed in the same transaction) — next to the same work on @scure/btc-signer directly (NonceGen,
// NonceAgg, Session + Sign per leaf), in the same run, interleaved. Target (DESIGN): ≥ 0.5× direct.
// Run: `npm run bench -- cosigner` (BENCH_LEAVES=N, default 1024).
import { schnorr } from "@noble/curves/secp256k1.js";
import * as musig from "@scure/btc-signer/musig2.js";
import { randomBytes } from "../src/crypto/random.js";
import { Secret } from "../src/crypto/secret.js";
import { newAppKey, registerVersions } from "../src/delegates/test-support.js";
import { createDelegates } from "../src/service/delegates.js";
import { openTestSqliteStorage } from "../src/store/testing.js";

const LEAVES = Number(process.env.BENCH_LEAVES ?? "1024");
const ROUNDS = 3;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;
const cpu = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
};

const share = schnorr.utils.randomSecretKey();
const sharePk = musig.IndividualPubkey(share);
const peerSk = schnorr.utils.randomSecretKey();
const peerPk = musig.IndividualPubkey(peerSk);
const leaves = Array.from({ length: LEAVES }, () => randomBytes(32));
const keys = musig.sortKeys([sharePk, peerPk]);
const aggPk = musig.keyAggExport(musig.keyAggregate(keys));
const mine = keys.findIndex((k) => k.every((b, i) => b === sharePk[i]));

/** The peer's public nonces for every leaf (not measured: the other signer's work). */
const peerNonces = () => leaves.map(() => musig.nonceGen(peerPk, peerSk).public);

/** The same cosigning done with @scure/btc-signer directly: nonces, then partial signatures. */
function direct(peer: Uint8Array[], n = LEAVES): void {
  const some = leaves.slice(0, n);
  const nonces = some.map((m) => musig.nonceGen(sharePk, share, aggPk, m));
  some.forEach((m, i) => {
    const all = mine === 0 ? [nonces[i]!.public, peer[i]!] : [peer[i]!, nonces[i]!.public];
    new musig.Session(musig.nonceAggregate(all), keys, m).sign(nonces[i]!.secret, share);
  });
}

const t = await openTestSqliteStorage();
try {
  const d = await createDelegates(t.storage);
  const app = newAppKey();
  await d.apps.register("bench", app.publicKey);
  const delegate = (await registerVersions(d, app, "bench", [1])).get(1)!;
  await d.secrets.put(delegate, "dkg-secret.bench", Secret.from(share));
  const session = await d.cosigners.create(
    delegate,
    { imported: "dkg-secret.bench" },
    { peers: [peerPk], messages: leaves, expiresAt: Date.now() + 3_600_000, maxRounds: 100 },
  );
  const through = async (peer: Uint8Array[]) => {
    const { round, pubNonces } = await d.cosigners.nonce(session.id, { fresh: true });
    const r = await d.cosigners.sign(session.id, round, { pubNonces: peer.map((p) => [p]) });
    if (r.partialSigs.length !== LEAVES || pubNonces.length !== LEAVES) throw new Error("short round");
  };
  // Warm-up of the shared MuSig2 code (JIT) on a slice, then interleaved measured rounds.
  direct(peerNonces(), 64);
  const wall = { direct: [] as number[], keyward: [] as number[] };
  const cpus = { direct: [] as number[], keyward: [] as number[] };
  for (let r = 0; r < ROUNDS; r++) {
    let peer = peerNonces();
    let w = performance.now();
    let c = cpu();
    direct(peer);
    cpus.direct.push(LEAVES / (cpu() - c));
    wall.direct.push(LEAVES / ((performance.now() - w) / 1000));
    peer = peerNonces();
    w = performance.now();
    c = cpu();
    await through(peer);
    cpus.keyward.push(LEAVES / (cpu() - c));
    wall.keyward.push(LEAVES / ((performance.now() - w) / 1000));
  }
  const line = (label: string, v: number, base: number) =>
    console.log(
      `${label.padEnd(62)} ${Math.round(v).toLocaleString("en-US").padStart(7)} leaves/s  ${base ? `${(v / base).toFixed(2)}× direct` : "(baseline)"}`,
    );
  console.log(
    `### MuSig2 cosigning, ${LEAVES}-leaf tree, 2 signers, median of ${ROUNDS} rounds — per CPU-second`,
  );
  const cd = median(cpus.direct);
  const ck = median(cpus.keyward);
  line("@scure/btc-signer directly (NonceGen, NonceAgg, Sign per leaf)", cd, 0);
  line("keyward cosigner session, SQLite (round 1 + round 2, sealed)", ck, cd);
  console.log(`### same, per wall-clock second`);
  const wd = median(wall.direct);
  const wk = median(wall.keyward);
  line("@scure/btc-signer directly", wd, 0);
  line("keyward cosigner session, SQLite", wk, wd);
  console.log(`target ≥ 0.50× direct: ${ck / cd >= 0.5 && wk / wd >= 0.5 ? "met" : "NOT met"}`);
} finally {
  await t.cleanup();
}
