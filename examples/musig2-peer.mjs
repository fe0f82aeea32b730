#!/usr/bin/env node
// The second signer of the README's MuSig2 walk-through, on @scure/btc-signer and @noble/curves directly (no
// keyward code): it reads keyward's public session data and nonces, and answers with its own nonces and partial
// signatures. Usage:
//   node examples/musig2-peer.mjs keygen KEYFILE                 → prints the 33-byte public key
//   node examples/musig2-peer.mjs nonce KEYFILE SESSION.json     → {"pubNonces": [[hex] per message]}
//   node examples/musig2-peer.mjs sign KEYFILE SESSION.json KW-NONCES.json KW-PSIGS.json
//                                                                → {"partialSigs": [[hex] per message]}
//   node examples/musig2-peer.mjs check SESSION.json FINAL.json  → checks every BIP-340 signature
// SESSION.json is `keyward delegate cosigner show --json`. The peer's secret nonces wait in KEYFILE.nonces and
// that file is deleted before they are used: a nonce signs once.
import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { schnorr } from "@noble/curves/secp256k1.js";
import { bytesToHex, hexToBytes } from "@noble/hashes/utils.js";
import * as musig from "@scure/btc-signer/musig2.js";

const [command, ...args] = process.argv.slice(2);
const json = (path) => JSON.parse(readFileSync(path, "utf8"));
const secretKey = (path) => hexToBytes(readFileSync(path, "utf8").trim());

/** The session's public data as @scure/btc-signer takes it, and this peer's index among the signers. */
function sessionOf(info, sk) {
  const publicKeys = info.participants.map((p) => hexToBytes(p));
  const me = sk ? info.participants.indexOf(bytesToHex(musig.IndividualPubkey(sk))) : -1;
  if (sk && me < 0) throw new Error("this key is not a participant of the session");
  return {
    publicKeys,
    me,
    messages: info.messages.map((m) => hexToBytes(m)),
    tweaks: info.tweaks.map((t) => hexToBytes(t.tweak)),
    xOnly: info.tweaks.map((t) => t.xOnly),
    aggregateKey: hexToBytes(info.aggregateKey),
  };
}

if (command === "keygen") {
  const sk = schnorr.utils.randomSecretKey();
  writeFileSync(args[0], `${bytesToHex(sk)}\n`, { mode: 0o600, flag: "wx" });
  console.log(bytesToHex(musig.IndividualPubkey(sk)));
} else if (command === "nonce") {
  const [keyFile, sessionFile] = args;
  const sk = secretKey(keyFile);
  const s = sessionOf(json(sessionFile), sk);
  const nonces = s.messages.map((m) => musig.nonceGen(musig.IndividualPubkey(sk), sk, s.aggregateKey, m));
  const state = {
    secret: nonces.map((n) => bytesToHex(n.secret)),
    public: nonces.map((n) => bytesToHex(n.public)),
  };
  writeFileSync(`${keyFile}.nonces`, JSON.stringify(state), { mode: 0o600 });
  console.log(JSON.stringify({ pubNonces: state.public.map((p) => [p]) }));
} else if (command === "sign") {
  const [keyFile, sessionFile, kwNoncesFile, kwPsigsFile] = args;
  const sk = secretKey(keyFile);
  const info = json(sessionFile);
  const s = sessionOf(info, sk);
  const state = json(`${keyFile}.nonces`);
  rmSync(`${keyFile}.nonces`);
  const kwNonces = json(kwNoncesFile).pubNonces;
  const kwPsigs = json(kwPsigsFile).partialSigs;
  const partialSigs = s.messages.map((msg, m) => {
    const nonces = [];
    nonces[info.signerIndex] = hexToBytes(kwNonces[m]);
    nonces[s.me] = hexToBytes(state.public[m]);
    const session = new musig.Session(musig.nonceAggregate(nonces), s.publicKeys, msg, s.tweaks, s.xOnly);
    // keyward's partial signature is checked before this signer adds its own.
    if (!session.partialSigVerify(hexToBytes(kwPsigs[m]), nonces, info.signerIndex))
      throw new Error(`keyward's partial signature for message ${m} does not verify`);
    return [bytesToHex(session.sign(hexToBytes(state.secret[m]), sk))];
  });
  console.log(JSON.stringify({ partialSigs }));
} else if (command === "check") {
  const [sessionFile, finalFile] = args;
  const s = sessionOf(json(sessionFile));
  const { signatures } = json(finalFile);
  const ok = signatures.filter((sig, m) => schnorr.verify(hexToBytes(sig), s.messages[m], s.aggregateKey));
  console.log(
    `${ok.length} of ${signatures.length} BIP-340 signatures verify under ${bytesToHex(s.aggregateKey)}`,
  );
  if (ok.length !== signatures.length) process.exit(1);
} else {
  console.error("usage: musig2-peer.mjs keygen|nonce|sign|check …");
  process.exit(2);
}
