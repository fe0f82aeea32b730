// The entities HTTP samples refer to (apps, delegates, a session, a room, a delegation proof), made once.
import { bytesToHex } from "../src/crypto/bytes.js";
import { ed25519PublicKey } from "../src/crypto/ed25519.js";
import { randomBytes } from "../src/crypto/random.js";
import { Secret } from "../src/crypto/secret.js";
import { certifyVersion, newAppKey, type TestAppKey } from "../src/delegates/test-support.js";
import type { TestApp } from "./http-harness.js";

/** Entities created once so samples can refer to them. */
export interface FixtureState {
  readonly t: TestApp;
  readonly appKey: TestAppKey;
  /** Live delegate versions 1 and 2 of app "fixture". */
  readonly v1: string;
  readonly v2: string;
  readonly sessionId: string;
  /** A room owned by a custody identity in FIXTURE_PARTITION, and its export text. */
  readonly room: string;
  readonly roomExport: string;
  /** A delegation proof file (checkpoint + proof of 7/A/1) and the checkpoint key (hex). */
  readonly proof: { checkpoint: unknown; proof: unknown; publicKey: string };
  /** A counter for fresh names. */
  next(): number;
}

/** The partition partitioned samples touch; tokens bound elsewhere must be refused. */
export const FIXTURE_PARTITION = "acme";

/** The partition whose MSK the samples rotate. */
export const MSK_PARTITION = "msk-rotation";

/** The identity custody samples use. */
export const ALICE = { partition: FIXTURE_PARTITION, identity: "email:alice@example.com" };

/** A valid Ed25519 verifying key (hex) for a new room member. */
export function newMember(): string {
  return bytesToHex(ed25519PublicKey(randomBytes(32)));
}

/** Creates the entities the samples need (through the domain APIs, not HTTP). */
export async function prepareFixtures(t: TestApp): Promise<FixtureState> {
  const appKey = newAppKey();
  const d = t.kw.delegates;
  await d.apps.register("fixture", appKey.publicKey);
  const v1 = (await d.versions.register(certifyVersion(appKey, "fixture", 1))).delegateKey;
  const v2 = (await d.versions.register(certifyVersion(appKey, "fixture", 2))).delegateKey;
  const session = await d.sessions.create(v2, {
    messagePrefix: new Uint8Array(0),
    maxUses: 1_000_000,
    expiresAt: Date.now() + 3_600_000,
  });
  await t.kw.storage.secrets.put("user", "fixture-secret", Secret.from(randomBytes(24)));
  await d.secrets.put(v2, "fixture-secret", Secret.from(randomBytes(24)));
  await t.kw.delegations.store.write([{ op: "grant", delegator: 7, provider: "A", scopes: [1], at: 100 }]);
  await t.kw.delegations.checkpoint();
  const proofFile = await t.kw.delegations.prove(7, "A", 1);
  const checkpointKey = bytesToHex((await t.kw.delegations.signer()).publicKey);
  await t.kw.custody.createPartition(FIXTURE_PARTITION);
  // MSK rotation changes every derived key of a partition, room owners included: it gets its own partition.
  await t.kw.custody.createPartition(MSK_PARTITION);
  await t.kw.custody.key(ALICE);
  const { room } = await t.kw.rooms.create({
    name: "team",
    custody: { partition: FIXTURE_PARTITION, identity: "email:owner@example.com" },
  });
  await t.kw.rooms.add(room, newMember());
  const roomExport = await t.kw.rooms.export(room);
  let n = 0;
  return {
    t,
    appKey,
    v1,
    v2,
    sessionId: session.id,
    room,
    roomExport,
    proof: { ...proofFile, publicKey: checkpointKey },
    next: () => ++n,
  };
}
