// A sealed secret namespace per delegate key: put/get/list/delete, refused once the delegate migrated.
import { Secret } from "../crypto/secret.js";
import { InputTypeError } from "../errors/input-errors.js";
import { KeywardError } from "../errors/keyward-error.js";
import type { StateReader, StorageTx } from "../store/ports.js";
import { refuseTombstoned, requireVersion } from "./lookups.js";
import type { DelegatesContext } from "./ports.js";
import { DELEGATE_LOCK, delegateNamespace, MODULE_TABLE } from "./records.js";
import { assertSecretName, delegateKeyHex, RESERVED_SECRET_PREFIX } from "./validate.js";

/**
 * Takes the delegate's lock shared (first, before any read), then checks it is registered and not migrated.
 * Writes to one delegate run side by side; a migration of it (exclusive) waits for them (see DELEGATE_LOCK).
 */
export async function lockLiveDelegate(tx: StorageTx, key: string, role = "delegate"): Promise<void> {
  await tx.lock(DELEGATE_LOCK, key, "shared");
  await requireVersion(tx.state, key);
  await refuseTombstoned(tx.state, key, role);
}

/** Thrown inside a delete transaction to roll it back when there was nothing to delete. */
const NOTHING_DELETED = new Error("nothing deleted");

/**
 * Refuses direct reads and writes of a namespace whose version runs its own WebAssembly: there the module's
 * code is the only way in (its signing keys never leave it).
 */
async function refuseCodeGuarded(state: StateReader, key: string): Promise<void> {
  if (await state.get(MODULE_TABLE, key))
    throw new KeywardError(
      "forbidden",
      "the delegate runs its own WebAssembly: its secrets are reachable only through `delegate call`",
    );
}

/** The secret namespace of each registered delegate (values sealed by the SecretStore). */
export class DelegateSecrets {
  constructor(private readonly ctx: DelegatesContext) {}

  /**
   * Stores (or replaces) a secret. The Secret stays owned by the caller.
   * @throws KeywardError `not_found` (unregistered delegate), `migrated` (write to the target instead).
   * @example await delegates.secrets.put(v1Key, "room-key", Secret.from(bytes));
   */
  async put(delegateKey: string | Uint8Array, name: string, value: Secret): Promise<void> {
    const key = delegateKeyHex(delegateKey);
    assertSecretName(name);
    if (!Secret.is(value)) throw new InputTypeError("value must be a Secret");
    await this.ctx.storage.transaction(async (tx) => {
      await lockLiveDelegate(tx, key);
      await refuseCodeGuarded(tx.state, key);
      await tx.secrets.put(delegateNamespace(key), name, value);
    });
  }

  /**
   * A secret, or undefined when absent. The caller wipes it after use.
   * @throws KeywardError `not_found` (unregistered delegate), `migrated` (its secrets moved away).
   */
  async get(delegateKey: string | Uint8Array, name: string): Promise<Secret | undefined> {
    const key = delegateKeyHex(delegateKey);
    assertSecretName(name);
    const state = this.ctx.storage.state;
    await requireVersion(state, key);
    await refuseTombstoned(state, key, "delegate");
    await refuseCodeGuarded(state, key);
    return this.ctx.storage.secrets.get(delegateNamespace(key), name);
  }

  /** The delegate's secret names (keyward's own session seeds are not listed). */
  async list(delegateKey: string | Uint8Array): Promise<string[]> {
    const key = delegateKeyHex(delegateKey);
    await requireVersion(this.ctx.storage.state, key);
    const names = await this.ctx.storage.secrets.list(delegateNamespace(key));
    return names.filter((n) => !n.startsWith(RESERVED_SECRET_PREFIX));
  }

  /**
   * Deletes a secret; returns whether it existed.
   * @throws KeywardError `not_found`, `migrated`.
   */
  async delete(delegateKey: string | Uint8Array, name: string): Promise<boolean> {
    const key = delegateKeyHex(delegateKey);
    assertSecretName(name);
    // A refused request commits nothing (issue #23): deleting an absent secret rolls the transaction back.
    try {
      return await this.ctx.storage.transaction(async (tx) => {
        await lockLiveDelegate(tx, key);
        await refuseCodeGuarded(tx.state, key);
        if (!(await tx.secrets.delete(delegateNamespace(key), name))) throw NOTHING_DELETED;
        return true;
      });
    } catch (err) {
      if (err === NOTHING_DELETED) return false;
      throw err;
    }
  }
}
