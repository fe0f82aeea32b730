// Storage = a raw backend + the keyring: secrets are sealed on the way in and opened on the way out.
import { Secret } from "../crypto/secret.js";
import { InputTypeError } from "../errors/input-errors.js";
import { KeywardError } from "../errors/keyward-error.js";
import { assertStoreKey } from "./keys.js";
import type { LogReader, SecretWriter, Storage, StorageTx } from "./ports.js";
import type { RawBackend, RawTx } from "./raw.js";
import type { Keyring } from "./sealing/keyring.js";

/** The keyring, or how to unseal it on first use (lazy unseal: a command that touches no secret runs no KDF). */
export type KeyringSource = Keyring | ((via: RawTx) => Promise<Keyring>);

/** A SecretWriter that seals with the keyring through one raw unit of work. */
export class SealedSecrets implements SecretWriter {
  constructor(
    private readonly tx: RawTx,
    /** The keyring, unsealing it through `tx` on first use (a lazy storage inside a transaction). */
    private readonly keyringOf: (tx: RawTx) => Keyring | Promise<Keyring>,
  ) {}

  async get(namespace: string, name: string): Promise<Secret | undefined> {
    assertStoreKey(namespace, "namespace");
    assertStoreKey(name, "name");
    const row = await this.tx.secretGet(namespace, name);
    if (!row) return undefined;
    // An unsealed keyring is used as it is: no extra await (a microtask) on the point-read path.
    const ready = this.keyringOf(this.tx);
    const keyring = ready instanceof Promise ? await ready : ready;
    if (!keyring.has(row.keyVersion)) await keyring.ensure(row.keyVersion, (k) => this.tx.metaGet(k));
    return Secret.adopt(keyring.open(namespace, name, row));
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
    const keyring = await this.keyringOf(this.tx);
    return this.tx.secretPut(namespace, name, keyring.seal(namespace, name, value.expose()));
  }

  async delete(namespace: string, name: string): Promise<boolean> {
    assertStoreKey(namespace, "namespace");
    assertStoreKey(name, "name");
    return this.tx.secretDelete(namespace, name);
  }
}

/**
 * An unsealed Storage over a raw backend. `keyring` and `raw` are exposed for store-internal maintenance.
 * Given an unseal function instead of a keyring, the KDF runs on the first secret read or write (`unseal()`),
 * once; state reads and writes never run it.
 */
export class SealedStorage implements Storage {
  readonly state;
  readonly secrets: SealedSecrets;
  readonly log: LogReader;
  #keyring: Keyring | undefined;
  #unsealing: Promise<Keyring> | undefined;
  readonly #unseal: ((via: RawTx) => Promise<Keyring>) | undefined;
  #closed = false;

  constructor(
    readonly raw: RawBackend,
    keyring: KeyringSource,
  ) {
    if (typeof keyring === "function") this.#unseal = keyring;
    else this.#keyring = keyring;
    this.state = raw.direct.state;
    this.log = readOnly(raw.direct.log);
    this.secrets = new SealedSecrets(raw.direct, (via) => this.#keyring ?? this.unseal(via));
  }

  get backend(): "sqlite" | "postgres" {
    return this.raw.backend;
  }

  get derivedDir(): string | undefined {
    return this.raw.derivedDir;
  }

  /** True once the keyring is unsealed (always for an eager storage). */
  get unsealed(): boolean {
    return this.#keyring !== undefined;
  }

  /**
   * The keyring (store-internal maintenance: data-key rotation, root-key rotation).
   * @throws KeywardError `internal` on a lazy storage not yet unsealed (call `unseal()` first).
   */
  get keyring(): Keyring {
    if (!this.#keyring)
      throw new KeywardError("internal", "storage is not unsealed yet: await storage.unseal() first");
    return this.#keyring;
  }

  /**
   * Unseals the keyring now if it is not yet (runs the KDF once; concurrent callers share the run). `via` reads
   * the keyring's meta rows (a transaction's view when called inside one).
   * @throws KeywardError `unseal_failed`, `not_initialized`; a failed unseal is retried by the next call.
   */
  unseal(via: RawTx = this.raw.direct): Promise<Keyring> {
    if (this.#keyring) return Promise.resolve(this.#keyring);
    if (this.#closed) return Promise.reject(new KeywardError("internal", "storage is closed"));
    this.#unsealing ??= this.#unseal!(via).then(
      (k) => {
        this.#unsealing = undefined;
        if (this.#closed) {
          k.wipe();
          throw new KeywardError("internal", "storage is closed");
        }
        this.#keyring = k;
        return k;
      },
      (err: unknown) => {
        this.#unsealing = undefined;
        throw err;
      },
    );
    return this.#unsealing;
  }

  transaction<T>(fn: (tx: StorageTx) => Promise<T>): Promise<T> {
    return this.raw.transaction((tx) =>
      fn({
        state: tx.state,
        log: tx.log,
        secrets: new SealedSecrets(tx, (via) => this.#keyring ?? this.unseal(via)),
        lock: (scope, keys, mode) => tx.lock(scope, keys, mode),
      }),
    );
  }

  writeFailing(): boolean {
    return this.raw.writeFailing?.() ?? false;
  }

  async close(): Promise<void> {
    this.#closed = true;
    this.#keyring?.wipe();
    await this.raw.close();
  }
}

/** The read side of a log only: `Storage.log` offers no auto-commit append (appends belong in transactions). */
function readOnly(log: LogReader): LogReader {
  return { get: (seq) => log.get(seq), last: () => log.last(), scan: (options) => log.scan(options) };
}
