// Session signing keys: a port, and the default implementation (a sealed Ed25519 seed in the delegate's namespace).
import type { KeyObject } from "node:crypto";
import { equalBytes, hexToBytes, wipe } from "../../crypto/bytes.js";
import { ed25519PrivateKeyObject, ed25519PublicKey, ed25519Sign } from "../../crypto/ed25519.js";
import { randomBytes } from "../../crypto/random.js";
import { Secret } from "../../crypto/secret.js";
import type { SecretReader, StorageTx } from "../../store/ports.js";
import { delegateNamespace, type SecretRef } from "../records.js";
import { RESERVED_SECRET_PREFIX } from "../validate.js";

/** A loaded session key: signs, never reveals. */
export interface SessionSigner {
  readonly publicKey: Uint8Array;
  sign(message: Uint8Array): Uint8Array;
}

/** Outcome of loading a persisted session's key (the rehydration pattern of DESIGN §2). */
export type SessionKeyLoad =
  | { readonly status: "ok"; readonly signer: SessionSigner }
  | { readonly status: "missing" }
  | { readonly status: "mismatch" };

/**
 * Where session keys live. The default keeps a sealed seed in the delegate's namespace; a custody-backed
 * implementation can replace it (the domain only sees references and public keys).
 */
export interface SessionKeys {
  /** Creates a key for `sessionId` inside `tx`; returns its reference and public key. */
  create(
    tx: StorageTx,
    delegateKey: string,
    sessionId: string,
  ): Promise<{ ref: SecretRef; publicKey: Uint8Array }>;
  /**
   * Loads the key behind `ref` and checks it against the persisted public key (hex). Missing secret →
   * "missing"; a different key → "mismatch"; storage I/O errors are thrown (the caller keeps the session).
   */
  load(secrets: SecretReader, ref: SecretRef, publicKeyHex: string): Promise<SessionKeyLoad>;
}

class KeyObjectSigner implements SessionSigner {
  constructor(
    readonly publicKey: Uint8Array,
    private readonly key: KeyObject,
  ) {}
  sign(message: Uint8Array): Uint8Array {
    return ed25519Sign(this.key, message);
  }
}

/** Default SessionKeys: a random Ed25519 seed sealed under `keyward.session.<id>` in the delegate namespace. */
export class SealedSeedSessionKeys implements SessionKeys {
  async create(
    tx: StorageTx,
    delegateKey: string,
    sessionId: string,
  ): Promise<{ ref: SecretRef; publicKey: Uint8Array }> {
    const ref = {
      namespace: delegateNamespace(delegateKey),
      name: `${RESERVED_SECRET_PREFIX}session.${sessionId}`,
    };
    const seed = randomBytes(32);
    try {
      const publicKey = ed25519PublicKey(seed);
      await tx.secrets.put(ref.namespace, ref.name, Secret.from(seed));
      return { ref, publicKey };
    } finally {
      wipe(seed);
    }
  }

  async load(secrets: SecretReader, ref: SecretRef, publicKeyHex: string): Promise<SessionKeyLoad> {
    const seed = await secrets.get(ref.namespace, ref.name);
    if (!seed) return { status: "missing" };
    try {
      if (seed.length !== 32) return { status: "mismatch" };
      const pub = seed.use((s) => ed25519PublicKey(s));
      if (!equalBytes(pub, hexToBytes(publicKeyHex, "publicKey", 32))) return { status: "mismatch" };
      // A cached KeyObject signs ~10× faster than re-importing; the seed copy itself is wiped below.
      return {
        status: "ok",
        signer: new KeyObjectSigner(
          pub,
          seed.use((s) => ed25519PrivateKeyObject(s)),
        ),
      };
    } finally {
      seed.wipe();
    }
  }
}
