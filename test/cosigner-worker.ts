// Child process for the cosigner crash and race tests: a keyward instance running MuSig2 rounds until killed.
// Usage: node test/cosigner-worker.ts <mode> <dbUrl> <session> <peerSkHex> [goFile]; unseal key hex in KW_TEST_KEY.
import { existsSync, readFileSync } from "node:fs";
import * as musig from "@scure/btc-signer/musig2.js";
import { bytesToHex, hexToBytes } from "../src/crypto/bytes.js";
import { isKeywardError } from "../src/errors/keyward-error.js";
import { createDelegates } from "../src/service/delegates.js";
import { openStorage } from "../src/store/open.js";
import { openPostgresBackend } from "../src/store/postgres/postgres-backend.js";
import { SealedStorage } from "../src/store/sealed-storage.js";
import { unsealKeyring } from "../src/store/sealing/unseal.js";

const [mode, dbUrl, session, peerSkHex, goFile] = process.argv.slice(2) as [
  string,
  string,
  string,
  string,
  string?,
];
const key = hexToBytes(process.env.KW_TEST_KEY ?? "", "KW_TEST_KEY", 32);
const storage = dbUrl.startsWith("postgres")
  ? await (async () => {
      const raw = await openPostgresBackend(dbUrl, { max: 2 });
      return new SealedStorage(raw, await unsealKeyring(raw, { key }));
    })()
  : await openStorage({ db: dbUrl, unseal: { key } });
const delegates = await createDelegates(storage);
const out = (value: unknown) => process.stdout.write(`${JSON.stringify(value)}\n`);
const peerSk = hexToBytes(peerSkHex);
const peerPk = musig.IndividualPubkey(peerSk);
const codeOf = (e: unknown) => (isKeywardError(e) ? e.code : String(e));

/** The peer's fresh public nonces for every message (a new set per attempt: reuse would then show). */
function peerNonces(messages: readonly string[]): string[] {
  return messages.map(() => bytesToHex(musig.nonceGen(peerPk, peerSk).public));
}

if (mode === "crash-loop") {
  // As a restarted instance: rehydrate (aborts the round a killed instance left open), then try to finish that
  // old round anyway (must be refused), then run rounds until SIGKILLed.
  const before = await delegates.cosigners.show(session);
  const rehydrated = await delegates.cosigners.rehydrate();
  out({ rehydrated });
  if (before.round > 0) {
    const s = await delegates.cosigners.show(session);
    await delegates.cosigners
      .sign(session, before.round, { pubNonces: peerNonces(s.messages).map((n) => [hexToBytes(n)]) })
      .then(
        () => out({ stale: "signed", round: before.round }),
        (e: unknown) => out({ stale: codeOf(e), round: before.round }),
      );
  }
  for (;;) {
    const { round, pubNonces } = await delegates.cosigners.nonce(session);
    const s = await delegates.cosigners.show(session);
    const peer = peerNonces(s.messages);
    out({ nonces: round, pubNonces, peer });
    const { partialSigs } = await delegates.cosigners.sign(session, round, {
      pubNonces: peer.map((n) => [hexToBytes(n)]),
    });
    out({ signed: round, partialSigs });
  }
} else if (mode === "race-sign") {
  // An instance that is already up (rehydrated) when the round opens; signs at the agreed moment.
  out({ ready: true });
  while (!goFile || !existsSync(goFile)) await new Promise((r) => setTimeout(r, 5));
  const go = JSON.parse(readFileSync(goFile, "utf8")) as { round: number; startAt: number };
  const s = await delegates.cosigners.show(session);
  const peer = peerNonces(s.messages);
  while (Date.now() < go.startAt) await new Promise((r) => setTimeout(r, 1));
  const result = await delegates.cosigners
    .sign(session, go.round, { pubNonces: peer.map((n) => [hexToBytes(n)]) })
    .then(
      (r) => ({ ok: true, partialSigs: r.partialSigs, peer }),
      (e: unknown) => ({ ok: false, code: codeOf(e) }),
    );
  out(result);
  await storage.close();
} else if (mode === "run-due") {
  // A fresh instance after a restart: rehydrate, then fire what is due (no client involved).
  const rehydrated = await delegates.cosigners.rehydrate();
  out({ rehydrated, fired: await delegates.cosigners.runDue() });
  await storage.close();
} else {
  throw new Error(`unknown mode ${mode}`);
}
