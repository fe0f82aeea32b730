// Delegate versions: registered from a certificate by the app's current key, revocable by the app.
import { bytesToHex, hexToBytes } from "../crypto/bytes.js";
import { Secret } from "../crypto/secret.js";
import { InputTypeError } from "../errors/input-errors.js";
import { KeywardError } from "../errors/keyward-error.js";
import type { StateReader, StorageTx } from "../store/ports.js";
import { verifyKeyChain } from "./apps.js";
import { type DelegateCertificate, verifyCertificate } from "./certificate.js";
import { currentKey, requireApp, requireVersion } from "./lookups.js";
import type { DelegatesContext } from "./ports.js";
import {
  delegateNamespace,
  MODULE_TABLE,
  padNumber,
  TABLES,
  type TombstoneRecord,
  type VersionRecord,
} from "./records.js";
import { type RevocationStatement, signRevocation, verifyRevocation } from "./statements.js";
import { delegateKeyHex, RESERVED_SECRET_PREFIX } from "./validate.js";

/** Public view of a delegate version: the record without its signature, times as ISO strings. */
export interface VersionInfo extends Omit<VersionRecord, "signature" | "registeredAt" | "revoked"> {
  readonly registeredAt: string;
  readonly revoked: { readonly at: string; readonly reason: string } | null;
}

/** A version plus where its secrets are now. */
export interface VersionStatus extends VersionInfo {
  readonly migratedTo: { readonly to: string; readonly migration: string; readonly at: string } | null;
  readonly secrets: number;
  readonly sessions: number;
  /** The version's WebAssembly module, when it was registered with one. */
  readonly module: { readonly bytes: number } | null;
}

function versionInfo(v: VersionRecord): VersionInfo {
  return {
    delegateKey: v.delegateKey,
    app: v.app,
    version: v.version,
    codeHash: v.codeHash,
    params: v.params,
    appKey: v.appKey,
    registeredAt: new Date(v.registeredAt).toISOString(),
    revoked: v.revoked ? { at: new Date(v.revoked.at).toISOString(), reason: v.revoked.reason } : null,
  };
}

/** The stored certificate of a version, as a certificate value. */
export function storedCertificate(v: VersionRecord): DelegateCertificate {
  return {
    appKey: hexToBytes(v.appKey, "appKey", 32),
    delegateKey: hexToBytes(v.delegateKey, "delegateKey", 32),
    codeHash: hexToBytes(v.codeHash, "codeHash", 32),
    params: hexToBytes(v.params, "params"),
    version: v.version,
    signature: hexToBytes(v.signature, "signature", 64),
  };
}

/**
 * Checks a stored version against its app's key chain: the certificate verifies and was signed by a key
 * of that chain, and the chain itself verifies. Guards against records written around the domain.
 */
export async function certificateHolds(state: StateReader, v: VersionRecord): Promise<boolean> {
  if (!verifyCertificate(storedCertificate(v))) return false;
  const app = await TABLES.app.get(state, v.app);
  if (!app || !verifyKeyChain(app)) return false;
  return app.keys.some((k) => k.publicKey === v.appKey);
}

/** Registers, revokes and reports delegate versions. */
export class DelegateVersions {
  constructor(private readonly ctx: DelegatesContext) {}

  /**
   * Registers a version from its certificate. The certificate must verify and be signed by the app's
   * current key; (app, version) and the delegate key are unique. Re-registering the same certificate is a
   * no-op.
   * @throws KeywardError `invalid_certificate`, `not_found` (no app holds the key), `already_exists`.
   * `actor` (the caller) is recorded on the audit entry; `within` runs inside the same transaction once the
   * version exists (e.g. to store its module).
   * @example await delegates.versions.register(parseCertificate(readFileSync("v2.cert", "utf8")));
   */
  async register(
    cert: DelegateCertificate,
    actor?: string,
    within?: (tx: StorageTx, version: VersionInfo) => Promise<void>,
  ): Promise<VersionInfo> {
    if (!verifyCertificate(cert))
      throw new KeywardError(
        "invalid_certificate",
        "the certificate's signature or delegate key does not verify",
      );
    const appKey = bytesToHex(cert.appKey);
    const key = bytesToHex(cert.delegateKey);
    return this.ctx.storage.transaction(async (tx) => {
      const owner = await TABLES.appKey.get(tx.state, appKey);
      if (!owner) throw new KeywardError("not_found", "no registered app holds the certificate's key");
      const app = await requireApp(tx.state, owner.app);
      const cur = currentKey(app);
      if (cur.publicKey !== appKey)
        throw new KeywardError(
          "invalid_certificate",
          `certificate signed by app ${app.name}'s retired key (sequence ${owner.sequence}); certify with the current key (sequence ${cur.sequence})`,
        );
      const record: VersionRecord = {
        delegateKey: key,
        app: app.name,
        version: cert.version,
        codeHash: bytesToHex(cert.codeHash),
        params: bytesToHex(cert.params),
        appKey,
        signature: bytesToHex(cert.signature),
        registeredAt: this.ctx.now(),
      };
      const existing = await TABLES.version.get(tx.state, key);
      if (existing) {
        if (existing.app === record.app && existing.version === record.version) {
          await within?.(tx, versionInfo(existing));
          return versionInfo(existing);
        }
        throw new KeywardError(
          "already_exists",
          `delegate ${key} is already registered as ${existing.app} v${existing.version}`,
        );
      }
      const slot = `${app.name}/${padNumber(cert.version)}`;
      if (!(await TABLES.appVersion.insert(tx.state, slot, { delegateKey: key }))) {
        const other = await TABLES.appVersion.get(tx.state, slot);
        throw new KeywardError(
          "already_exists",
          `app ${app.name} already has version ${cert.version} (${other?.delegateKey})`,
        );
      }
      await TABLES.version.put(tx.state, key, record);
      await this.ctx.audit.append(tx, {
        kind: "delegate.version.registered",
        subject: `delegate:${key}`,
        actor,
        data: { app: app.name, version: cert.version, codeHash: record.codeHash, appKey },
      });
      await within?.(tx, versionInfo(record));
      return versionInfo(record);
    });
  }

  /**
   * Revokes a version with a statement signed by the app's current key. A revoked version can still be
   * migrated away from, never to. Revoking twice keeps the first revocation. `actor` is recorded on the
   * audit entry.
   * @throws KeywardError `not_found`, `invalid_signature`.
   */
  async revoke(
    delegateKey: string | Uint8Array,
    reason: string,
    appKey: Uint8Array,
    signature: Uint8Array,
    actor?: string,
  ): Promise<VersionInfo> {
    const key = delegateKeyHex(delegateKey);
    return this.ctx.storage.transaction(async (tx) => {
      const v = await requireVersion(tx.state, key);
      if (v.revoked) return versionInfo(v);
      const cur = currentKey(await requireApp(tx.state, v.app));
      const statement: RevocationStatement = {
        appKey,
        delegateKey: hexToBytes(key, "delegateKey", 32),
        version: v.version,
        reason,
      };
      if (bytesToHex(appKey) !== cur.publicKey)
        throw new KeywardError(
          "invalid_signature",
          `revocation must be signed by app ${v.app}'s current key`,
        );
      if (!verifyRevocation(statement, signature))
        throw new KeywardError("invalid_signature", "the revocation statement's signature does not verify");
      const at = this.ctx.now();
      const next: VersionRecord = {
        ...v,
        revoked: { appKey: cur.publicKey, reason, signature: bytesToHex(signature), at },
      };
      await TABLES.version.put(tx.state, key, next);
      await this.ctx.audit.append(tx, {
        kind: "delegate.version.revoked",
        subject: `delegate:${key}`,
        actor,
        data: { app: v.app, version: v.version, reason },
      });
      return versionInfo(next);
    });
  }

  /**
   * Signs (with the app seed, locally) and applies a revocation in one step.
   * @throws as `revoke`, plus {TypeError} when the seed is not a Secret.
   */
  async revokeWithKey(
    delegateKey: string | Uint8Array,
    reason: string,
    appSeed: Secret,
    actor?: string,
  ): Promise<VersionInfo> {
    if (!Secret.is(appSeed)) throw new InputTypeError("appSeed must be a Secret");
    const key = delegateKeyHex(delegateKey);
    const v = await requireVersion(this.ctx.storage.state, key);
    const cur = currentKey(await requireApp(this.ctx.storage.state, v.app));
    const appKey = hexToBytes(cur.publicKey, "appKey", 32);
    let signature: Uint8Array;
    try {
      signature = signRevocation(appSeed, {
        appKey,
        delegateKey: hexToBytes(key, "delegateKey", 32),
        version: v.version,
        reason,
      });
    } catch (err) {
      if (err instanceof TypeError)
        throw new KeywardError("invalid_signature", "the given key is not the app's current key");
      throw err;
    }
    return this.revoke(key, reason, appKey, signature, actor);
  }

  /**
   * A version's record, tombstone and counts.
   * @throws KeywardError `not_found`.
   */
  async status(delegateKey: string | Uint8Array): Promise<VersionStatus> {
    const key = delegateKeyHex(delegateKey);
    const state = this.ctx.storage.state;
    const v = await requireVersion(state, key);
    const t: TombstoneRecord | undefined = await TABLES.tombstone.get(state, key);
    const names = await this.ctx.storage.secrets.list(delegateNamespace(key));
    let sessions = 0;
    for await (const _ of TABLES.sessionByDelegate.scan(state, { prefix: `${key}/` })) sessions++;
    const code = await state.get(MODULE_TABLE, key);
    return {
      ...versionInfo(v),
      migratedTo: t ? { to: t.to, migration: t.migration, at: new Date(t.at).toISOString() } : null,
      secrets: names.filter((n) => !n.startsWith(RESERVED_SECRET_PREFIX)).length,
      sessions,
      module: code ? { bytes: code.length } : null,
    };
  }

  /** Every registered version of an app, in version order. */
  async list(app: string): Promise<VersionInfo[]> {
    const out: VersionInfo[] = [];
    for await (const { value } of TABLES.appVersion.scan(this.ctx.storage.state, { prefix: `${app}/` })) {
      const v = await TABLES.version.get(this.ctx.storage.state, value.delegateKey);
      if (v) out.push(versionInfo(v));
    }
    return out;
  }
}
