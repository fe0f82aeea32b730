// Apps: registered by name with an Ed25519 key; keys rotate by statements the previous key signs.
import { assertBytes } from "../crypto/assert.js";
import { bytesToHex, hexToBytes } from "../crypto/bytes.js";
import { KeywardError } from "../errors/keyward-error.js";
import { currentKey, requireApp } from "./lookups.js";
import type { DelegatesContext } from "./ports.js";
import { type AppRecord, TABLES } from "./records.js";
import { type RotationStatement, verifyRotation } from "./statements.js";
import { assertAppName } from "./validate.js";

/** Public view of an app. */
export interface AppInfo {
  readonly name: string;
  readonly publicKey: string;
  readonly sequence: number;
  readonly keys: readonly { readonly sequence: number; readonly publicKey: string }[];
}

function info(app: AppRecord): AppInfo {
  const cur = currentKey(app);
  return {
    name: app.name,
    publicKey: cur.publicKey,
    sequence: cur.sequence,
    keys: app.keys.map((k) => ({ sequence: k.sequence, publicKey: k.publicKey })),
  };
}

/**
 * Re-verifies every link of an app's key chain: sequences 0,1,2,… and each key signed by its predecessor.
 * Returns false when any link is broken (e.g. a tampered state record).
 */
export function verifyKeyChain(app: AppRecord): boolean {
  for (const [i, k] of app.keys.entries()) {
    if (k.sequence !== i) return false;
    if (i === 0) {
      if (k.rotationSignature !== undefined) return false;
      continue;
    }
    const prev = app.keys[i - 1];
    if (!prev || k.rotationSignature === undefined) return false;
    const statement: RotationStatement = {
      app: app.name,
      sequence: k.sequence,
      previousKey: hexToBytes(prev.publicKey, "previousKey", 32),
      newKey: hexToBytes(k.publicKey, "newKey", 32),
    };
    if (!verifyRotation(statement, hexToBytes(k.rotationSignature, "rotationSignature", 64))) return false;
  }
  return app.keys.length > 0;
}

/** Registers apps and applies their key rotations. */
export class AppRegistry {
  constructor(private readonly ctx: DelegatesContext) {}

  /**
   * Registers `name` with its Ed25519 public key (chain position 0).
   * `actor` (the caller, e.g. `token:<id>` or "cli") is recorded on the audit entry.
   * @throws KeywardError `already_exists` when the name or the key is taken.
   * @example await delegates.apps.register("chat", appPublicKey, "cli");
   */
  async register(name: string, publicKey: Uint8Array, actor?: string): Promise<AppInfo> {
    assertAppName(name, "name");
    assertBytes(publicKey, 32, "publicKey");
    const pub = bytesToHex(publicKey);
    const now = this.ctx.now();
    const record: AppRecord = {
      name,
      keys: [{ sequence: 0, publicKey: pub, addedAt: now }],
      registeredAt: now,
    };
    return this.ctx.storage.transaction(async (tx) => {
      if (!(await TABLES.app.insert(tx.state, name, record)))
        throw new KeywardError("already_exists", "app is already registered");
      await this.claimKey(tx.state, pub, name, 0);
      await this.ctx.audit.append(tx, {
        kind: "delegate.app.registered",
        subject: `app:${name}`,
        actor,
        data: { publicKey: pub },
      });
      return info(record);
    });
  }

  /**
   * Applies a rotation statement signed by the app's current key. The sequence must be exactly the next one:
   * a lower or equal sequence is a replayed/rolled-back statement.
   * @throws KeywardError `not_found`, `rollback` (sequence not increasing), `invalid_signature`,
   *   `already_exists` (new key already in use). `actor` is recorded on the audit entry.
   */
  async rotateKey(statement: RotationStatement, signature: Uint8Array, actor?: string): Promise<AppInfo> {
    assertAppName(statement.app, "app");
    assertBytes(signature, 64, "signature");
    return this.ctx.storage.transaction(async (tx) => {
      const app = await requireApp(tx.state, statement.app);
      const cur = currentKey(app);
      if (statement.sequence <= cur.sequence)
        throw new KeywardError(
          "rollback",
          `app ${app.name} is at key sequence ${cur.sequence}; sequence ${statement.sequence} does not increase it`,
        );
      if (statement.sequence !== cur.sequence + 1)
        throw new KeywardError(
          "invalid_input",
          `app ${app.name}: the next key sequence is ${cur.sequence + 1}, got ${statement.sequence}`,
        );
      if (bytesToHex(statement.previousKey) !== cur.publicKey)
        throw new KeywardError(
          "invalid_signature",
          `the statement's previous key is not app ${app.name}'s current key`,
        );
      if (!verifyRotation(statement, signature))
        throw new KeywardError("invalid_signature", "the rotation statement's signature does not verify");
      const pub = bytesToHex(statement.newKey);
      const now = this.ctx.now();
      const next: AppRecord = {
        ...app,
        keys: [
          ...app.keys,
          {
            sequence: statement.sequence,
            publicKey: pub,
            addedAt: now,
            rotationSignature: bytesToHex(signature),
          },
        ],
      };
      await this.claimKey(tx.state, pub, app.name, statement.sequence);
      await TABLES.app.put(tx.state, app.name, next);
      await this.ctx.audit.append(tx, {
        kind: "delegate.app.key-rotated",
        subject: `app:${app.name}`,
        actor,
        data: { sequence: statement.sequence, previousKey: cur.publicKey, publicKey: pub },
      });
      return info(next);
    });
  }

  /**
   * An app by name.
   * @throws KeywardError `not_found`.
   */
  async get(name: string): Promise<AppInfo> {
    assertAppName(name, "name");
    return info(await requireApp(this.ctx.storage.state, name));
  }

  /** Every registered app, by name. */
  async list(): Promise<AppInfo[]> {
    const out: AppInfo[] = [];
    for await (const { value } of TABLES.app.scan(this.ctx.storage.state)) out.push(info(value));
    return out;
  }

  private async claimKey(
    state: Parameters<typeof TABLES.appKey.insert>[0],
    pub: string,
    app: string,
    sequence: number,
  ): Promise<void> {
    if (!(await TABLES.appKey.insert(state, pub, { app, sequence }))) {
      throw new KeywardError("already_exists", "public key already belongs to another app");
    }
  }
}
