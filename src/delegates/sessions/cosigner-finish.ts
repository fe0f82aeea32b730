// After round 2: verifying the other signers' partial signatures and aggregating final BIP-340 signatures.
import { bytesToHex, hexToBytes } from "../../crypto/bytes.js";
import { MusigContributionError, musigAggregate, musigPartialVerify } from "../../crypto/musig2.js";
import { schnorrVerify } from "../../crypto/schnorr.js";
import { InputRangeError } from "../../errors/input-errors.js";
import { KeywardError } from "../../errors/keyward-error.js";
import type { CosignerRecord, RoundRecord } from "./cosigner-records.js";
import { tweaksOf } from "./cosigner-rounds.js";

function contributionError(m: number, err: MusigContributionError): KeywardError {
  return new KeywardError("invalid_contribution", `messages[${m}]: ${err.message}`, {
    message: m,
    signer: err.signer,
    contribution: err.contribution,
  });
}

function recordedNonces(r: RoundRecord): Uint8Array[][] | undefined {
  return r.allPubNonces?.map((row) => row.map((n) => hexToBytes(n)));
}

/**
 * PartialSigVerify of `signer` for every message. @returns one boolean per message.
 * @throws {RangeError} when no public nonces are known for the round (give them).
 */
export function verifyPartials(
  s: CosignerRecord,
  r: RoundRecord,
  signer: number,
  partialSigs: readonly Uint8Array[],
  given: Uint8Array[][] | undefined,
): boolean[] {
  const all = given ?? recordedNonces(r);
  if (!all)
    throw new InputRangeError("pubNonces: round 2 was given aggregate nonces, so pass every signer's nonces");
  if (!Array.isArray(partialSigs) || partialSigs.length !== s.messages.length)
    throw new InputRangeError(`partialSigs must have one entry per message (${s.messages.length})`);
  const publicKeys = s.participants.map((p) => hexToBytes(p));
  const tweaks = tweaksOf(s);
  return s.messages.map((m, i) => {
    try {
      return musigPartialVerify(
        { publicKeys, message: hexToBytes(m), tweaks },
        all[i]!,
        partialSigs[i]!,
        signer,
      );
    } catch (err) {
      if (err instanceof MusigContributionError) throw contributionError(i, err);
      throw err;
    }
  });
}

/**
 * PartialSigAgg per message, each result checked with BIP-340 verification under the aggregate key. A failing
 * result is blamed on the signer whose partial signature does not verify (when the nonces are known).
 * @throws KeywardError `invalid_contribution` (message, signer, "psig") or `invalid_signature`.
 */
export function aggregateRound(s: CosignerRecord, r: RoundRecord, rows: Uint8Array[][]): string[] {
  const publicKeys = s.participants.map((p) => hexToBytes(p));
  const tweaks = tweaksOf(s);
  const aggregateKey = hexToBytes(s.aggregateKey);
  const nonces = recordedNonces(r);
  return s.messages.map((mHex, i) => {
    const message = hexToBytes(mHex);
    const session = { aggNonce: hexToBytes(r.aggNonces![i]!), publicKeys, message, tweaks };
    let sig: Uint8Array;
    try {
      sig = musigAggregate(session, rows[i]!);
    } catch (err) {
      if (err instanceof MusigContributionError) throw contributionError(i, err);
      throw err;
    }
    if (schnorrVerify(aggregateKey, message, sig)) return bytesToHex(sig);
    if (nonces)
      for (const [j, p] of rows[i]!.entries())
        if (!musigPartialVerify({ publicKeys, message, tweaks }, nonces[i]!, p, j))
          throw contributionError(i, new MusigContributionError(j, "psig"));
    throw new KeywardError("invalid_signature", `messages[${i}]: the aggregate signature does not verify`);
  });
}
