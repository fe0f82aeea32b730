// The delegations checkpoint signer: a sealed Ed25519 seed in the SecretStore, created on first use.
import type { KeyObject } from "node:crypto";
import { randomBytes } from "../crypto/random.js";
import { Secret } from "../crypto/secret.js";
import type { CheckpointSigner } from "../delegations/checkpoint.js";
import type { Storage } from "../store/ports.js";

/** Secret namespace and name of the checkpoint signing seed (32 bytes, sealed). */
export const DELEGATIONS_SECRET_NAMESPACE = "delegations";
export const CHECKPOINT_KEY_NAME = "checkpoint-signing-key";

/** Ed25519 (and the libsodium binding behind it), loaded only by the commands that sign or derive a key. */
const ed25519 = () => import("../crypto/ed25519.js");

/**
 * A CheckpointSigner over a sealed Ed25519 seed in the SecretStore, created on first use (one transaction, so
 * instances racing on a new store agree on one key). The seed is wiped once imported as a KeyObject.
 * @example const signer = await storageCheckpointSigner(storage); signer.publicKey;
 */
export async function storageCheckpointSigner(storage: Storage): Promise<CheckpointSigner> {
  const secret = await storage.transaction(async (tx) => {
    const existing = await tx.secrets.get(DELEGATIONS_SECRET_NAMESPACE, CHECKPOINT_KEY_NAME);
    if (existing) return existing;
    const fresh = Secret.adopt(randomBytes(32));
    await tx.secrets.put(DELEGATIONS_SECRET_NAMESPACE, CHECKPOINT_KEY_NAME, fresh);
    return fresh;
  });
  const { ed25519PrivateKeyObject, ed25519PublicKey, ed25519Sign } = await ed25519();
  let key: KeyObject;
  let publicKey: Uint8Array;
  try {
    key = secret.use((seed) => ed25519PrivateKeyObject(seed));
    publicKey = secret.use((seed) => ed25519PublicKey(seed));
  } finally {
    secret.wipe();
  }
  return { publicKey, sign: (message) => ed25519Sign(key, message) };
}

/**
 * The public key of this store's checkpoint signer, or undefined when no checkpoint key exists yet (nothing is
 * created: verification must not mint keys).
 */
export async function storedCheckpointPublicKey(storage: Storage): Promise<Uint8Array | undefined> {
  const secret = await storage.secrets.get(DELEGATIONS_SECRET_NAMESPACE, CHECKPOINT_KEY_NAME);
  if (!secret) return undefined;
  const { ed25519PublicKey } = await ed25519();
  try {
    return secret.use((seed) => ed25519PublicKey(seed));
  } finally {
    secret.wipe();
  }
}
