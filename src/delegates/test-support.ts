// Test support for the delegates domain: a recording audit sink in the state store and app/version fixtures.

import { bytesToHex, utf8 } from "../crypto/bytes.js";
import { ed25519PublicKey } from "../crypto/ed25519.js";
import { randomBytes } from "../crypto/random.js";
import { Secret } from "../crypto/secret.js";
import type { Storage, StorageTx } from "../store/ports.js";
import { certifyDelegate, type DelegateCertificate } from "./certificate.js";
import type { Delegates } from "./delegates.js";
import type { AuditSink, DelegatesAuditEvent } from "./ports.js";

/** State table the recording sink writes to (inside the caller's transaction, like the real audit log). */
export const TEST_AUDIT_TABLE = "test.audit";

/** An AuditSink that stores events as JSON in `TEST_AUDIT_TABLE`, so they roll back with the change. */
export function recordingAudit(): AuditSink {
  let n = 0;
  return {
    async append(tx: StorageTx, event: DelegatesAuditEvent) {
      n++;
      await tx.state.put(
        TEST_AUDIT_TABLE,
        `${Date.now()}-${process.pid}-${n}-${Math.random()}`,
        utf8(JSON.stringify(event)),
      );
    },
  };
}

/** Every recorded event, in key order. */
export async function recordedEvents(storage: Storage): Promise<DelegatesAuditEvent[]> {
  const out: DelegatesAuditEvent[] = [];
  for await (const e of storage.state.scan(TEST_AUDIT_TABLE))
    out.push(JSON.parse(new TextDecoder().decode(e.value)) as DelegatesAuditEvent);
  return out;
}

/** An app author's offline key. */
export interface TestAppKey {
  readonly seed: Secret;
  readonly publicKey: Uint8Array;
  readonly hex: string;
}

/** A fresh random app key. */
export function newAppKey(): TestAppKey {
  const raw = randomBytes(32);
  const publicKey = ed25519PublicKey(raw);
  return { seed: Secret.adopt(raw), publicKey, hex: bytesToHex(publicKey) };
}

/** Certifies "code" `${label} v${version}` (distinct bytes per version) with `key`. */
export function certifyVersion(key: TestAppKey, label: string, version: number): DelegateCertificate {
  return certifyDelegate(key.seed, utf8(`${label} delegate code v${version}`), new Uint8Array(0), version);
}

/** Registers `versions` of an app's delegate and returns their keys (hex) by version. */
export async function registerVersions(
  d: Delegates,
  key: TestAppKey,
  label: string,
  versions: readonly number[],
): Promise<Map<number, string>> {
  const out = new Map<number, string>();
  for (const v of versions)
    out.set(v, (await d.versions.register(certifyVersion(key, label, v))).delegateKey);
  return out;
}
