// MuSig2 wrappers against every file of the official BIP-327 vectors (bitcoin/bips bip-0327/vectors), error
// cases included: each must fail naming the same signer and contribution (or the same kind of value error).
import { describe, expect, it } from "vitest";
import { bytesToHex, hexToBytes } from "./bytes.js";
import {
  MusigContributionError,
  type MusigTweak,
  musigAggregate,
  musigKeyAgg,
  musigNonceAgg,
  musigNonceGen,
  musigPartialSign,
  musigPartialVerify,
  musigPublicKey,
  musigSortKeys,
} from "./musig2.js";
import { schnorrVerify } from "./schnorr.js";
import { readVectors } from "./test-vectors.js";

const h = (s: string) => hexToBytes(s.toLowerCase());
const pick = (all: string[], idx: number[]) => idx.map((i) => h(all[i]!));
type VectorError =
  | { type: "invalid_contribution"; signer: number | null; contrib: string }
  | { type: "value"; message: string };

/** Asserts `fn` fails the way the vector says: the same signer and contribution, or a RangeError. */
function expectVectorError(fn: () => unknown, error: VectorError): void {
  let caught: unknown;
  try {
    fn();
  } catch (e) {
    caught = e;
  }
  if (error.type === "invalid_contribution") {
    expect(caught).toBeInstanceOf(MusigContributionError);
    const e = caught as MusigContributionError;
    expect({ signer: e.signer, contribution: e.contribution }).toEqual({
      signer: error.signer,
      contribution: error.contrib,
    });
    expect(e.code).toBe("invalid_contribution");
  } else {
    expect(caught).toBeInstanceOf(RangeError);
  }
}

describe("key_sort_vectors.json", () => {
  const v = readVectors<{ pubkeys: string[]; sorted_pubkeys: string[] }>("bip327/key_sort_vectors.json");
  it("sorts", () => {
    expect(musigSortKeys(v.pubkeys.map(h)).map(bytesToHex)).toEqual(
      v.sorted_pubkeys.map((s) => s.toLowerCase()),
    );
  });
});

/** Keys and tweaks picked by index from a vector file (key_agg and tweak vectors). */
interface TweakedKeys {
  key_indices: number[];
  tweak_indices: number[];
  is_xonly: boolean[];
}

/** An error case of the key_agg and tweak vectors. */
interface TweakErrorCase extends TweakedKeys {
  error: VectorError;
  comment: string;
}

describe("key_agg_vectors.json", () => {
  const v = readVectors<{
    pubkeys: string[];
    tweaks: string[];
    valid_test_cases: { key_indices: number[]; expected: string }[];
    error_test_cases: TweakErrorCase[];
  }>("bip327/key_agg_vectors.json");
  for (const [i, c] of v.valid_test_cases.entries())
    it(`valid #${i}`, () => {
      expect(bytesToHex(musigKeyAgg(pick(v.pubkeys, c.key_indices)).aggregateKey)).toBe(
        c.expected.toLowerCase(),
      );
    });
  for (const c of v.error_test_cases)
    it(`error: ${c.comment}`, () => {
      const tweaks = c.tweak_indices.map((t, j) => ({ tweak: h(v.tweaks[t]!), xOnly: c.is_xonly[j]! }));
      expectVectorError(() => musigKeyAgg(pick(v.pubkeys, c.key_indices), tweaks), c.error);
    });
});

describe("nonce_gen_vectors.json", () => {
  const v = readVectors<{
    test_cases: {
      rand_: string;
      sk: string | null;
      pk: string;
      aggpk: string | null;
      msg: string | null;
      extra_in: string | null;
      expected_secnonce: string;
      expected_pubnonce: string;
    }[];
  }>("bip327/nonce_gen_vectors.json");
  for (const [i, c] of v.test_cases.entries())
    it(`#${i}`, () => {
      const n = musigNonceGen({
        publicKey: h(c.pk),
        rand: h(c.rand_),
        ...(c.sk !== null ? { secretKey: h(c.sk) } : {}),
        ...(c.aggpk !== null ? { aggregateKey: h(c.aggpk) } : {}),
        ...(c.msg !== null ? { message: h(c.msg) } : {}),
        ...(c.extra_in !== null ? { extraIn: h(c.extra_in) } : {}),
      });
      expect(bytesToHex(n.secretNonce)).toBe(c.expected_secnonce.toLowerCase());
      expect(bytesToHex(n.publicNonce)).toBe(c.expected_pubnonce.toLowerCase());
    });
});

describe("nonce_agg_vectors.json", () => {
  const v = readVectors<{
    pnonces: string[];
    valid_test_cases: { pnonce_indices: number[]; expected: string }[];
    error_test_cases: { pnonce_indices: number[]; error: VectorError; comment: string }[];
  }>("bip327/nonce_agg_vectors.json");
  for (const [i, c] of v.valid_test_cases.entries())
    it(`valid #${i}`, () => {
      expect(bytesToHex(musigNonceAgg(pick(v.pnonces, c.pnonce_indices)))).toBe(c.expected.toLowerCase());
    });
  for (const c of v.error_test_cases)
    it(`error: ${c.comment}`, () =>
      expectVectorError(() => musigNonceAgg(pick(v.pnonces, c.pnonce_indices)), c.error));
});

type SignVerify = {
  sk: string;
  pubkeys: string[];
  secnonces: string[];
  pnonces: string[];
  aggnonces: string[];
  msgs: string[];
  valid_test_cases: {
    key_indices: number[];
    nonce_indices: number[];
    aggnonce_index: number;
    msg_index: number;
    signer_index: number;
    expected: string;
  }[];
  sign_error_test_cases: {
    key_indices: number[];
    aggnonce_index: number;
    msg_index: number;
    secnonce_index: number;
    error: VectorError;
    comment: string;
  }[];
  verify_fail_test_cases: {
    sig: string;
    key_indices: number[];
    nonce_indices: number[];
    msg_index: number;
    signer_index: number;
    comment: string;
  }[];
  verify_error_test_cases: SignVerify["verify_fail_test_cases"][number] & { error: VectorError }[];
};

describe("sign_verify_vectors.json", () => {
  const v = readVectors<SignVerify>("bip327/sign_verify_vectors.json");
  const sk = h(v.sk);
  for (const [i, c] of v.valid_test_cases.entries())
    it(`valid #${i}: signs the expected partial signature, which verifies`, () => {
      const publicKeys = pick(v.pubkeys, c.key_indices);
      const message = h(v.msgs[c.msg_index]!);
      const s = { aggNonce: h(v.aggnonces[c.aggnonce_index]!), publicKeys, message };
      const psig = musigPartialSign(s, h(v.secnonces[0]!), sk);
      expect(bytesToHex(psig)).toBe(c.expected.toLowerCase());
      const pubNonces = pick(v.pnonces, c.nonce_indices);
      expect(musigPartialVerify({ publicKeys, message }, pubNonces, psig, c.signer_index)).toBe(true);
    });
  for (const c of v.sign_error_test_cases)
    it(`sign error: ${c.comment.slice(0, 80)}`, () => {
      const s = {
        aggNonce: h(v.aggnonces[c.aggnonce_index]!),
        publicKeys: pick(v.pubkeys, c.key_indices),
        message: h(v.msgs[c.msg_index]!),
      };
      expectVectorError(() => musigPartialSign(s, h(v.secnonces[c.secnonce_index]!), sk), c.error);
    });
  for (const c of v.verify_fail_test_cases)
    it(`verify fail: ${c.comment}`, () => {
      const s = { publicKeys: pick(v.pubkeys, c.key_indices), message: h(v.msgs[c.msg_index]!) };
      expect(musigPartialVerify(s, pick(v.pnonces, c.nonce_indices), h(c.sig), c.signer_index)).toBe(false);
    });
  for (const c of v.verify_error_test_cases as unknown as (SignVerify["verify_fail_test_cases"][number] & {
    error: VectorError;
  })[])
    it(`verify error: ${c.comment}`, () => {
      const s = { publicKeys: pick(v.pubkeys, c.key_indices), message: h(v.msgs[c.msg_index]!) };
      expectVectorError(
        () => musigPartialVerify(s, pick(v.pnonces, c.nonce_indices), h(c.sig), c.signer_index),
        c.error,
      );
    });
  it("a secret nonce signs once: the wrapper zeroes it, a second use is refused", () => {
    const c = v.valid_test_cases[0]!;
    const s = {
      aggNonce: h(v.aggnonces[0]!),
      publicKeys: pick(v.pubkeys, c.key_indices),
      message: h(v.msgs[0]!),
    };
    const nonce = h(v.secnonces[0]!);
    musigPartialSign(s, nonce, sk);
    expect(nonce.subarray(0, 64).every((b) => b === 0)).toBe(true);
    expect(() => musigPartialSign(s, nonce, sk)).toThrow(/secretNonce is invalid/);
  });
});

describe("tweak_vectors.json", () => {
  const v = readVectors<{
    sk: string;
    pubkeys: string[];
    secnonce: string;
    pnonces: string[];
    aggnonce: string;
    tweaks: string[];
    msg: string;
    valid_test_cases: {
      key_indices: number[];
      nonce_indices: number[];
      tweak_indices: number[];
      is_xonly: boolean[];
      signer_index: number;
      expected: string;
      comment: string;
    }[];
    error_test_cases: TweakErrorCase[];
  }>("bip327/tweak_vectors.json");
  const tw = (idx: number[], x: boolean[]): MusigTweak[] =>
    idx.map((t, j) => ({ tweak: h(v.tweaks[t]!), xOnly: x[j]! }));
  /** The signing session of a case: the file's aggregate nonce and message, the case's keys and tweaks. */
  const session = (c: TweakedKeys) => ({
    aggNonce: h(v.aggnonce),
    publicKeys: pick(v.pubkeys, c.key_indices),
    message: h(v.msg),
    tweaks: tw(c.tweak_indices, c.is_xonly),
  });
  for (const c of v.valid_test_cases)
    it(`valid: ${c.comment}`, () => {
      const s = session(c);
      const psig = musigPartialSign(s, h(v.secnonce), h(v.sk));
      expect(bytesToHex(psig)).toBe(c.expected.toLowerCase());
      expect(musigPartialVerify(s, pick(v.pnonces, c.nonce_indices), psig, c.signer_index)).toBe(true);
    });
  for (const c of v.error_test_cases)
    it(`error: ${c.comment}`, () => {
      expectVectorError(() => musigPartialSign(session(c), h(v.secnonce), h(v.sk)), c.error);
    });
});

describe("sig_agg_vectors.json", () => {
  const v = readVectors<{
    pubkeys: string[];
    pnonces: string[];
    tweaks: string[];
    psigs: string[];
    msg: string;
    valid_test_cases: {
      aggnonce: string;
      nonce_indices: number[];
      key_indices: number[];
      tweak_indices: number[];
      is_xonly: boolean[];
      psig_indices: number[];
      expected: string;
    }[];
    error_test_cases: {
      aggnonce: string;
      key_indices: number[];
      tweak_indices: number[];
      is_xonly: boolean[];
      psig_indices: number[];
      error: VectorError;
      comment: string;
    }[];
  }>("bip327/sig_agg_vectors.json");
  const input = (c: (typeof v.error_test_cases)[number]) => ({
    aggNonce: h(c.aggnonce),
    publicKeys: pick(v.pubkeys, c.key_indices),
    message: h(v.msg),
    tweaks: c.tweak_indices.map((t, j) => ({ tweak: h(v.tweaks[t]!), xOnly: c.is_xonly[j]! })),
  });
  for (const [i, c] of v.valid_test_cases.entries())
    it(`valid #${i}: the aggregate is the expected BIP-340 signature under the tweaked key`, () => {
      const s = input(c as never);
      expect(bytesToHex(musigNonceAgg(pick(v.pnonces, c.nonce_indices)))).toBe(c.aggnonce.toLowerCase());
      const sig = musigAggregate(s, pick(v.psigs, c.psig_indices));
      expect(bytesToHex(sig)).toBe(c.expected.toLowerCase());
      const { aggregateKey } = musigKeyAgg(s.publicKeys, s.tweaks);
      expect(schnorrVerify(aggregateKey, s.message, sig)).toBe(true);
    });
  for (const c of v.error_test_cases)
    it(`error: ${c.comment}`, () =>
      expectVectorError(() => musigAggregate(input(c), pick(v.psigs, c.psig_indices)), c.error));
});

describe("two signers end to end", () => {
  it("nonce → sign → verify each other → aggregate → BIP-340 verifies", () => {
    const sks = [new Uint8Array(32).fill(1), new Uint8Array(32).fill(2)];
    const publicKeys = sks.map(musigPublicKey);
    const tweaks = [{ tweak: new Uint8Array(32).fill(9), xOnly: true }];
    const { aggregateKey } = musigKeyAgg(publicKeys, tweaks);
    const message = new Uint8Array(32).fill(5);
    const nonces = publicKeys.map((publicKey) => musigNonceGen({ publicKey, aggregateKey, message }));
    const pubNonces = nonces.map((n) => n.publicNonce);
    const s = { aggNonce: musigNonceAgg(pubNonces), publicKeys, message, tweaks };
    const psigs = sks.map((sk, i) => musigPartialSign(s, nonces[i]!.secretNonce, sk));
    expect(musigPartialVerify(s, pubNonces, psigs[1]!, 1)).toBe(true);
    expect(musigPartialVerify(s, pubNonces, psigs[0]!, 1)).toBe(false);
    expect(schnorrVerify(aggregateKey, message, musigAggregate(s, psigs))).toBe(true);
  });
});
