// Session signing keys: a port, and the default implementation (a sealed Ed25519 seed in the delegate's namespace).
import type { KeyObject } from "node:crypto";
import { assertBytes } from "../../crypto/assert.js";
import { wipe } from "../../crypto/bytes.js";
import { ed25519PrivateKeyObject, ed25519PublicKey, ed25519Sign } from "../../crypto/ed25519.js";
import { randomBytes } from "../../crypto/random.js";
import { Secret } from "../../crypto/secret.js";
import type { StorageTx } from "../../store/ports.js";
import { delegateNamespace, type SecretRef } from "../records.js";
import { RESERVED_SECRET_PREFIX } from "../validate.js";

/** A loaded session key: signs, never reveals. */
export interface SessionSigner {
  readonly publicKey: Uint8Array;
  sign(message: Uint8Array): Uint8Array;
}

/**
 * How session keys are made and used. The record only ever holds `ref` and the public key; the secret behind
 * `ref` is fetched from the SecretStore at rehydration (DESIGN §2's pattern). The default keeps an Ed25519
 * seed in the delegate's namespace; another implementation (e.g. custody-derived) can replace it.
 */
export interface SessionKeys {
  /** Creates a key for `sessionId` inside `tx`; returns its reference and public key. */
  create(
    tx: StorageTx,
    delegateKey: string,
    sessionId: string,
  ): Promise<{ ref: SecretRef; publicKey: Uint8Array }>;
  /** The public key the fetched secret stands for (checked against the persisted one). */
  publicKey(secret: Secret): Uint8Array;
  /** A signer over the fetched secret; the caller wipes `secret` afterwards. */
  signer(secret: Secret): SessionSigner;
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

  publicKey(secret: Secret): Uint8Array {
    return secret.use((s) => {
      assertBytes(s, 32, "session seed");
      return ed25519PublicKey(s);
    });
  }

  signer(secret: Secret): SessionSigner {
    // A cached KeyObject signs ~10× faster than importing the seed per signature; the seed itself is wiped
    // by the caller once this returns.
    return new KeyObjectSigner(
      this.publicKey(secret),
      secret.use((s) => ed25519PrivateKeyObject(s)),
    );
  }
}
