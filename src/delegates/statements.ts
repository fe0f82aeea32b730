// Signed app statements: key rotation (old key signs the new one) and delegate-version revocation.
import { assertBytes, assertString } from "../crypto/assert.js";
import { equalBytes } from "../crypto/bytes.js";
import { canonicalEncode } from "../crypto/canonical.js";
import { ed25519PublicKey, ed25519Sign, ed25519Verify } from "../crypto/ed25519.js";
import { Secret } from "../crypto/secret.js";
import { InputTypeError } from "../errors/input-errors.js";
import { assertAppName, assertVersion } from "./validate.js";

/** Domain-separation tag of a key-rotation statement. */
export const ROTATION_TAG = "keyward v1 app-key-rotation";
/** Domain-separation tag of a version revocation statement. */
export const REVOCATION_TAG = "keyward v1 delegate-revocation";

/** "App `app` moves from `previousKey` to `newKey` at chain position `sequence`" (sequence ≥ 1). */
export interface RotationStatement {
  readonly app: string;
  readonly sequence: number;
  readonly previousKey: Uint8Array;
  readonly newKey: Uint8Array;
}

/** "Version `version` (delegate key) of the app holding `appKey` is revoked". */
export interface RevocationStatement {
  readonly appKey: Uint8Array;
  readonly delegateKey: Uint8Array;
  readonly version: number;
  readonly reason: string;
}

/** Canonical signed bytes of a rotation statement. */
export function rotationBytes(s: RotationStatement): Uint8Array {
  assertAppName(s.app);
  if (!Number.isSafeInteger(s.sequence) || s.sequence < 1) throw new InputTypeError("sequence must be ≥ 1");
  assertBytes(s.previousKey, 32, "previousKey");
  assertBytes(s.newKey, 32, "newKey");
  return canonicalEncode(ROTATION_TAG, {
    app: s.app,
    newKey: s.newKey,
    previousKey: s.previousKey,
    sequence: s.sequence,
  });
}

/** Canonical signed bytes of a revocation statement. */
export function revocationBytes(s: RevocationStatement): Uint8Array {
  assertBytes(s.appKey, 32, "appKey");
  assertBytes(s.delegateKey, 32, "delegateKey");
  assertVersion(s.version);
  assertString(s.reason, "reason", { maxLength: 200 });
  return canonicalEncode(REVOCATION_TAG, {
    appKey: s.appKey,
    delegateKey: s.delegateKey,
    reason: s.reason,
    version: s.version,
  });
}

function signWith(seed: Secret, expectedPublic: Uint8Array, bytes: Uint8Array, what: string): Uint8Array {
  if (!Secret.is(seed)) throw new InputTypeError(`${what} signing key must be a Secret`);
  return seed.use((raw) => {
    assertBytes(raw, 32, `${what} signing key`);
    if (!equalBytes(ed25519PublicKey(raw), expectedPublic))
      throw new InputTypeError(`${what} signing key does not match the statement's key`);
    return ed25519Sign(raw, bytes);
  });
}

/**
 * Signs a rotation statement with the previous key's seed (the caller checks the sequence it wants).
 * @throws {TypeError} when the seed is not the statement's previous key.
 * @example signRotation(oldSeed, { app: "chat", sequence: 1, previousKey: oldPub, newKey: newPub });
 */
export function signRotation(previousSeed: Secret, s: RotationStatement): Uint8Array {
  return signWith(previousSeed, s.previousKey, rotationBytes(s), "previous");
}

/** True when `signature` is the previous key's signature over the statement (false otherwise). */
export function verifyRotation(s: RotationStatement, signature: Uint8Array): boolean {
  return ed25519Verify(s.previousKey, rotationBytes(s), signature);
}

/** Signs a revocation statement with the app key's seed. */
export function signRevocation(appSeed: Secret, s: RevocationStatement): Uint8Array {
  return signWith(appSeed, s.appKey, revocationBytes(s), "app");
}

/** True when `signature` is `appKey`'s signature over the revocation statement. */
export function verifyRevocation(s: RevocationStatement, signature: Uint8Array): boolean {
  return ed25519Verify(s.appKey, revocationBytes(s), signature);
}
