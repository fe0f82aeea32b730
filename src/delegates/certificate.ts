// Delegate certificates: the app author's offline signature over (app key, delegate key, code hash, params, version).
import { assertBytes } from "../crypto/assert.js";
import { bytesToHex, concatBytes, equalBytes, hexToBytes } from "../crypto/bytes.js";
import { canonicalEncode } from "../crypto/canonical.js";
import { ed25519PublicKey, ed25519Sign, ed25519Verify } from "../crypto/ed25519.js";
import { blake3Hash } from "../crypto/hash.js";
import { Secret } from "../crypto/secret.js";
import { InputTypeError } from "../errors/input-errors.js";
import { KeywardError } from "../errors/keyward-error.js";
import { delegateKey as computeDelegateKey } from "../kdf/delegate-key.js";
import { assertVersion } from "./validate.js";

/** Domain-separation tag of the certificate's signed bytes (docs/wire-format.md). */
export const CERTIFICATE_TAG = "keyward v1 delegate-certificate";
/** `type` field of the certificate file. */
export const CERTIFICATE_TYPE = "keyward-delegate-certificate/1";

/** A delegate version's certificate. `delegateKey` must equal BLAKE3(codeHash ‖ params). */
export interface DelegateCertificate {
  readonly appKey: Uint8Array;
  readonly delegateKey: Uint8Array;
  readonly codeHash: Uint8Array;
  readonly params: Uint8Array;
  readonly version: number;
  readonly signature: Uint8Array;
}

/** The certificate's fields without the signature. */
export type CertificateBody = Omit<DelegateCertificate, "signature">;

/**
 * The signed bytes: `canonicalEncode(CERTIFICATE_TAG, {appKey, codeHash, delegateKey, params, version})`.
 * @throws {TypeError|RangeError} on malformed fields.
 */
export function certificateBytes(body: CertificateBody): Uint8Array {
  assertBytes(body.appKey, 32, "appKey");
  assertBytes(body.delegateKey, 32, "delegateKey");
  assertBytes(body.codeHash, 32, "codeHash");
  assertBytes(body.params, undefined, "params");
  assertVersion(body.version);
  return canonicalEncode(CERTIFICATE_TAG, {
    appKey: body.appKey,
    codeHash: body.codeHash,
    delegateKey: body.delegateKey,
    params: body.params,
    version: body.version,
  });
}

/**
 * Certifies a delegate version offline with the app's Ed25519 seed (which stays with the author).
 * @throws {TypeError|RangeError} on malformed input.
 * @example
 * const cert = certifyDelegate(appSeed, wasm, new Uint8Array(0), 2);
 * writeFileSync("v2.cert", formatCertificate(cert));
 */
export function certifyDelegate(
  appSeed: Secret,
  code: Uint8Array,
  params: Uint8Array,
  version: number,
): DelegateCertificate {
  if (!Secret.is(appSeed)) throw new InputTypeError("appSeed must be a Secret");
  assertBytes(code, undefined, "code");
  assertBytes(params, undefined, "params");
  assertVersion(version);
  const { codeHash, key } = computeDelegateKey(code, params);
  return appSeed.use((seed) => {
    assertBytes(seed, 32, "appSeed");
    const body = { appKey: ed25519PublicKey(seed), delegateKey: key, codeHash, params, version };
    return { ...body, signature: ed25519Sign(seed, certificateBytes(body)) };
  });
}

/**
 * True when the signature verifies under `appKey` and `delegateKey = BLAKE3(codeHash ‖ params)`.
 * Returns false for any bad signature or key mismatch; throws only on malformed fields.
 */
export function verifyCertificate(cert: DelegateCertificate): boolean {
  const bytes = certificateBytes(cert);
  assertBytes(cert.signature, undefined, "signature");
  const derived = blake3Hash(concatBytes(cert.codeHash, cert.params));
  if (!equalBytes(derived, cert.delegateKey)) return false;
  return ed25519Verify(cert.appKey, bytes, cert.signature);
}

/** The certificate file: one JSON object with hex fields (docs/wire-format.md). */
export function formatCertificate(cert: DelegateCertificate): string {
  return `${JSON.stringify({
    type: CERTIFICATE_TYPE,
    appKey: bytesToHex(cert.appKey),
    delegateKey: bytesToHex(cert.delegateKey),
    codeHash: bytesToHex(cert.codeHash),
    params: bytesToHex(cert.params),
    version: cert.version,
    signature: bytesToHex(cert.signature),
  })}\n`;
}

function field(obj: Record<string, unknown>, name: string): unknown {
  if (!(name in obj)) throw new KeywardError("invalid_input", `certificate: missing field ${name}`);
  return obj[name];
}

/**
 * Parses a certificate file strictly (known fields only, exact lengths). Does not verify it.
 * @throws KeywardError `invalid_input` naming the bad field.
 */
export function parseCertificate(text: string): DelegateCertificate {
  let obj: unknown;
  try {
    obj = JSON.parse(text);
  } catch {
    throw new KeywardError("invalid_input", "certificate: not JSON");
  }
  if (obj === null || typeof obj !== "object" || Array.isArray(obj))
    throw new KeywardError("invalid_input", "certificate: must be a JSON object");
  const o = obj as Record<string, unknown>;
  const allowed = ["type", "appKey", "delegateKey", "codeHash", "params", "version", "signature"];
  for (const k of Object.keys(o))
    if (!allowed.includes(k)) throw new KeywardError("invalid_input", "certificate has an unknown field");
  if (field(o, "type") !== CERTIFICATE_TYPE)
    throw new KeywardError("invalid_input", `certificate: type must be ${CERTIFICATE_TYPE}`);
  try {
    const version = field(o, "version");
    assertVersion(version, "certificate.version");
    return {
      appKey: hexToBytes(field(o, "appKey"), "certificate.appKey", 32),
      delegateKey: hexToBytes(field(o, "delegateKey"), "certificate.delegateKey", 32),
      codeHash: hexToBytes(field(o, "codeHash"), "certificate.codeHash", 32),
      params: hexToBytes(field(o, "params"), "certificate.params"),
      version,
      signature: hexToBytes(field(o, "signature"), "certificate.signature", 64),
    };
  } catch (err) {
    if (err instanceof KeywardError) throw err;
    throw new KeywardError("invalid_input", (err as Error).message);
  }
}
