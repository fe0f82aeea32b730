// Storage = a raw backend + the keyring: secrets are sealed on the way in and opened on the way out.
import { Secret } from "../crypto/secret.js";
import { InputTypeError } from "../errors/input-errors.js";
import { assertStoreKey } from "./keys.js";
import type { SecretWriter, Storage, StorageTx } from "./ports.js";
import type { RawBackend, RawTx } from "./raw.js";
import type { Keyring } from "./sealing/keyring.js";

/** A SecretWriter that seals with `keyring` through one raw unit of work. */
export class SealedSecrets implements SecretWriter {
  constructor(
    private readonly tx: RawTx,
    private readonly keyring: Keyring,
  ) {}

  async get(namespace: string, name: string): Promise<Secret | undefined> {
    assertStoreKey(namespace, "namespace");
    assertStoreKey(name, "name");
    const row = await this.tx.secretGet(namespace, name);
    if (!row) return undefined;
    if (!this.keyring.has(row.keyVersion))
      await this.keyring.ensure(row.keyVersion, (k) => this.tx.metaGet(k));
    return Secret.adopt(this.keyring.open(namespace, name, row));
  }

  async has(namespace: string, name: string): Promise<boolean> {
    assertStoreKey(namespace, "namespace");
    assertStoreKey(name, "name");
    return (await this.tx.secretGet(namespace, name)) !== undefined;
  }

  async list(namespace: string, prefix?: string): Promise<string[]> {
    assertStoreKey(namespace, "namespace");
    if (prefix !== undefined) assertStoreKey(prefix, "prefix", false);
    return this.tx.secretList(namespace, prefix);
  }

  async put(namespace: string, name: string, value: Secret): Promise<void> {
    assertStoreKey(namespace, "namespace");
    assertStoreKey(name, "name");
    if (!Secret.is(value)) throw new InputTypeError("value must be a Secret");
    return this.tx.secretPut(namespace, name, this.keyring.seal(namespace, name, value.expose()));
  }

  async delete(namespace: string, name: string): Promise<boolean> {
    assertStoreKey(namespace, "namespace");
    assertStoreKey(name, "name");
    return this.tx.secretDelete(namespace, name);
  }
}

/** An unsealed Storage over a raw backend. `keyring` and `raw` are exposed for store-internal maintenance. */
export class SealedStorage implements Storage {
  readonly state;
  readonly secrets: SealedSecrets;

  constructor(
    readonly raw: RawBackend,
    readonly keyring: Keyring,
  ) {
    this.state = raw.direct.state;
    this.secrets = new SealedSecrets(raw.direct, keyring);
  }

  get backend(): "sqlite" | "postgres" {
    return this.raw.backend;
  }

  transaction<T>(fn: (tx: StorageTx) => Promise<T>): Promise<T> {
    return this.raw.transaction((tx) =>
      fn({ state: tx.state, secrets: new SealedSecrets(tx, this.keyring) }),
    );
  }

  writeFailing(): boolean {
    return this.raw.writeFailing?.() ?? false;
  }

  async close(): Promise<void> {
    this.keyring.wipe();
    await this.raw.close();
  }
}
