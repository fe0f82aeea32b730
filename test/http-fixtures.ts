// One valid sample request per API operation (by operationId), for the authorization matrix and the fuzzer.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { bytesToBase64url, bytesToHex, hexToBytes } from "../src/crypto/bytes.js";
import { ed25519Sign } from "../src/crypto/ed25519.js";
import { randomBytes } from "../src/crypto/random.js";
import { Secret } from "../src/crypto/secret.js";
import { certifyDelegate, formatCertificate } from "../src/delegates/certificate.js";
import { revocationBytes, rotationBytes } from "../src/delegates/statements.js";
import { certifyVersion, newAppKey, type TestAppKey } from "../src/delegates/test-support.js";
import { COSIGNER_SAMPLES } from "./http-cosigner-samples.js";
import {
  ALICE,
  FIXTURE_PARTITION,
  type FixtureState,
  MSK_PARTITION,
  newMember,
} from "./http-fixture-state.js";
import { GUEST_BUFFERS, wat } from "./wasm/wat.js";

/** A request that the route accepts (2xx) when sent with a token holding the right scope. */
export interface Sample {
  readonly method: string;
  readonly url: string;
  readonly body?: unknown;
  /** Media type of a raw (non-JSON) body. */
  readonly contentType?: string;
  /** The partition the request touches (partitioned routes only). */
  readonly partition?: string;
  /** Seconds per accepted request (it starts a WASM sandbox): the fuzz leaves it out to stay in its budget. */
  readonly slow?: true;
}

const P = `/v1/partitions/${FIXTURE_PARTITION}`;
/** A DSNP Broadcast batch written by @dsnp/parquetjs (test/fixtures/dsnp/README.md). */
const DSNP_BATCH = readFileSync(join(import.meta.dirname, "fixtures/dsnp/parquetjs/broadcast.parquet"));

/** A fresh identity path (key derived) in the fixture partition; returns its identity string. */
async function freshIdentity(f: FixtureState): Promise<string> {
  const identity = `email:user${f.next()}@example.com`;
  await f.t.kw.custody.key({ partition: FIXTURE_PARTITION, identity });
  return identity;
}

/** A fresh registered app with versions `versions` (for destructive samples: migrate, revoke). */
async function freshVersions(
  f: FixtureState,
  versions: number[],
): Promise<{ key: TestAppKey; keys: string[] }> {
  const key = newAppKey();
  const name = `fresh-${f.next()}`;
  await f.t.kw.delegates.apps.register(name, key.publicKey);
  const keys: string[] = [];
  for (const v of versions)
    keys.push((await f.t.kw.delegates.versions.register(certifyVersion(key, name, v))).delegateKey);
  return { key, keys };
}

type Make = (f: FixtureState) => Sample | Promise<Sample>;

/** A WebAssembly delegate that answers every message with Ok(no messages) (bincode: tag 0, empty vec). */
const OK_DELEGATE = `(module ${GUEST_BUFFERS}
  (data (i32.const 64) "\\00\\00\\00\\00\\00\\00\\00\\00\\00\\00\\00\\00")
  (func (export "process") (param i64 i64 i64) (result i64) (call $result (i32.const 64) (i32.const 12))))`;
const okDelegates = new WeakMap<FixtureState, Promise<string>>();

/** One registered OK_DELEGATE per fixture state (one worker, shared by every sample). */
function okDelegate(f: FixtureState): Promise<string> {
  let p = okDelegates.get(f);
  if (!p) {
    p = wat(OK_DELEGATE).then(async (code) => {
      const cert = certifyDelegate(f.appKey.seed, code, new Uint8Array(0), 5000);
      return (await f.t.kw.delegates.modules.register(cert, code)).delegateKey;
    });
    okDelegates.set(f, p);
  }
  return p;
}

/** Sample factories by operationId. The matrix test fails when a route has none. */
export const SAMPLES: Record<string, Make> = {
  ...COSIGNER_SAMPLES,
  health: () => ({ method: "GET", url: "/healthz" }),
  metrics: () => ({ method: "GET", url: "/metrics" }),
  openapi: () => ({ method: "GET", url: "/openapi.json" }),
  sealStatus: () => ({ method: "GET", url: "/v1/sys/seal-status" }),
  unseal: () => ({ method: "POST", url: "/v1/sys/unseal", body: { share: "ab".repeat(33) } }),
  uiPage: () => ({ method: "GET", url: "/ui" }),
  uiAsset: () => ({ method: "GET", url: "/ui/app.js" }),
  createToken: () => ({ method: "POST", url: "/v1/tokens", body: { scopes: ["rooms:read"] } }),
  listTokens: () => ({ method: "GET", url: "/v1/tokens" }),
  revokeToken: async (f) => {
    const { info } = await f.t.kw.tokens.create({ scopes: ["rooms:read"] });
    return { method: "DELETE", url: `/v1/tokens/${info.id}` };
  },
  renewToken: async (f) => {
    const { info } = await f.t.kw.tokens.create({ scopes: ["rooms:read"], ttlSeconds: 600 });
    return { method: "POST", url: `/v1/tokens/${info.id}/renew`, body: { ttlSeconds: 1200 } };
  },
  listSecrets: () => ({ method: "GET", url: "/v1/secrets" }),
  putSecret: (f) => ({ method: "PUT", url: `/v1/secrets/s-${f.next()}`, body: { value: "c2VjcmV0" } }),
  getSecret: () => ({ method: "GET", url: "/v1/secrets/fixture-secret" }),
  deleteSecret: async (f) => {
    const name = `del-${f.next()}`;
    await f.t.kw.storage.secrets.put("user", name, Secret.from(randomBytes(8)));
    return { method: "DELETE", url: `/v1/secrets/${name}` };
  },
  verifyAudit: () => ({ method: "GET", url: "/v1/audit/verify" }),
  registerApp: (f) => ({
    method: "POST",
    url: "/v1/apps",
    body: { name: `app-${f.next()}`, publicKey: bytesToHex(randomBytes(32)) },
  }),
  listApps: () => ({ method: "GET", url: "/v1/apps" }),
  getApp: () => ({ method: "GET", url: "/v1/apps/fixture" }),
  listAppVersions: () => ({ method: "GET", url: "/v1/apps/fixture/versions" }),
  rotateAppKey: async (f) => {
    const key = newAppKey();
    const name = `rot-${f.next()}`;
    await f.t.kw.delegates.apps.register(name, key.publicKey);
    const newKey = randomBytes(32);
    const statement = { app: name, sequence: 1, previousKey: key.publicKey, newKey };
    const signature = key.seed.use((s) => ed25519Sign(s, rotationBytes(statement)));
    return {
      method: "POST",
      url: `/v1/apps/${name}/rotate-key`,
      body: {
        sequence: 1,
        previousKey: key.hex,
        newKey: bytesToHex(newKey),
        signature: bytesToHex(signature),
      },
    };
  },
  registerDelegate: (f) => ({
    method: "POST",
    url: "/v1/delegates",
    body: { certificate: formatCertificate(certifyVersion(f.appKey, "fixture", 100 + f.next())) },
  }),
  callDelegate: async (f) => ({
    method: "POST",
    url: `/v1/delegates/${await okDelegate(f)}/call`,
    body: { origin: "ab".repeat(32), payload: "AAEC" },
  }),
  delegateStatus: (f) => ({ method: "GET", url: `/v1/delegates/${f.v2}` }),
  revokeDelegate: async (f) => {
    const { key, keys } = await freshVersions(f, [1]);
    const statement = {
      appKey: key.publicKey,
      delegateKey: hexToBytes(keys[0]!),
      version: 1,
      reason: "test",
    };
    const signature = key.seed.use((s) => ed25519Sign(s, revocationBytes(statement)));
    return {
      method: "POST",
      url: `/v1/delegates/${keys[0]}/revoke`,
      body: { reason: "test", appKey: key.hex, signature: bytesToHex(signature) },
    };
  },
  issueMigrationToken: (f) => ({
    method: "POST",
    url: `/v1/delegates/${f.v1}/migration-tokens`,
    body: { to: f.v2, ttlSeconds: 60 },
  }),
  migrateDelegate: async (f) => {
    const { keys } = await freshVersions(f, [1, 2]);
    const { token } = await f.t.kw.delegates.tokens.issue(keys[0]!, keys[1]!, 600);
    f.t.issued.push(token);
    return { method: "POST", url: `/v1/delegates/${keys[0]}/migrate`, body: { to: keys[1], token } };
  },
  listDelegateSecrets: (f) => ({ method: "GET", url: `/v1/delegates/${f.v2}/secrets` }),
  putDelegateSecret: (f) => ({
    method: "PUT",
    url: `/v1/delegates/${f.v2}/secrets/d-${f.next()}`,
    body: { value: "00ff", encoding: "hex" },
  }),
  getDelegateSecret: (f) => ({ method: "GET", url: `/v1/delegates/${f.v2}/secrets/fixture-secret` }),
  deleteDelegateSecret: async (f) => {
    const name = `dd-${f.next()}`;
    await f.t.kw.delegates.secrets.put(f.v2, name, Secret.from(randomBytes(8)));
    return { method: "DELETE", url: `/v1/delegates/${f.v2}/secrets/${name}` };
  },
  createSession: (f) => ({
    method: "POST",
    url: `/v1/delegates/${f.v2}/sessions`,
    body: { policy: { messagePrefix: "", maxUses: 3, expiresAt: Date.now() + 60_000 } },
  }),
  listSessions: (f) => ({ method: "GET", url: `/v1/delegates/${f.v2}/sessions` }),
  getSession: (f) => ({ method: "GET", url: `/v1/sessions/${f.sessionId}` }),
  sessionSign: (f) => ({
    method: "POST",
    url: `/v1/sessions/${f.sessionId}/sign`,
    body: { message: "6869" },
  }),
  scheduleAction: (f) => ({
    method: "POST",
    url: `/v1/sessions/${f.sessionId}/actions`,
    body: { fireAt: new Date(Date.now() + 60_000).toISOString(), message: "6869" },
  }),
  createPartition: (f) => {
    const name = `p${f.next()}`;
    return { method: "POST", url: "/v1/partitions", body: { name }, partition: name };
  },
  listPartitions: () => ({ method: "GET", url: "/v1/partitions" }),
  identityKey: () => ({
    method: "GET",
    url: `${P}/identities/${ALICE.identity}/key?scheme=secp256k1`,
    partition: FIXTURE_PARTITION,
  }),
  identitySign: () => ({
    method: "POST",
    url: `${P}/identities/${ALICE.identity}/sign`,
    body: { message: "68656c6c6f" },
    partition: FIXTURE_PARTITION,
  }),
  identitySignBatch: () => ({
    method: "POST",
    url: `${P}/identities/${ALICE.identity}/sign-batch`,
    body: { messages: ["68656c6c6f", "776f726c64"] },
    partition: FIXTURE_PARTITION,
  }),
  identityHistory: () => ({
    method: "GET",
    url: `${P}/identities/${ALICE.identity}/history`,
    partition: FIXTURE_PARTITION,
  }),
  rotateIdentity: async (f) => ({
    method: "POST",
    url: `${P}/identities/${await freshIdentity(f)}/rotate`,
    partition: FIXTURE_PARTITION,
  }),
  suspendIdentity: async (f) => ({
    method: "POST",
    url: `${P}/identities/${await freshIdentity(f)}/suspend`,
    partition: FIXTURE_PARTITION,
  }),
  resumeIdentity: async (f) => {
    const identity = await freshIdentity(f);
    await f.t.kw.custody.suspend({ partition: FIXTURE_PARTITION, identity });
    return { method: "POST", url: `${P}/identities/${identity}/resume`, partition: FIXTURE_PARTITION };
  },
  revokeIdentity: async (f) => ({
    method: "POST",
    url: `${P}/identities/${await freshIdentity(f)}/revoke`,
    partition: FIXTURE_PARTITION,
  }),
  importLegacyKey: (f) => ({
    method: "POST",
    url: `${P}/identities/email:legacy${f.next()}@example.com/import-legacy`,
    body: { scheme: "ed25519", privateKey: bytesToHex(randomBytes(32)) },
    partition: FIXTURE_PARTITION,
  }),
  remapIdentity: async (f) => {
    const identity = `email:remap${f.next()}@example.com`;
    await f.t.kw.custody.importLegacy(
      { partition: FIXTURE_PARTITION, identity },
      "ed25519",
      Secret.from(randomBytes(32)),
    );
    return { method: "POST", url: `${P}/identities/${identity}/remap`, partition: FIXTURE_PARTITION };
  },
  rotateMsk: () => ({
    method: "POST",
    url: `/v1/partitions/${MSK_PARTITION}/msk/rotate`,
    body: {},
    partition: MSK_PARTITION,
  }),
  createRoom: (f) => ({
    method: "POST",
    url: "/v1/rooms",
    body: {
      name: `room-${f.next()}`,
      owner: { partition: FIXTURE_PARTITION, identity: `email:r${f.next()}@example.com` },
    },
    partition: FIXTURE_PARTITION,
  }),
  showRoom: (f) => ({ method: "GET", url: `/v1/rooms/${f.room}`, partition: FIXTURE_PARTITION }),
  addRoomMember: (f) => ({
    method: "POST",
    url: `/v1/rooms/${f.room}/members`,
    body: { member: newMember() },
    partition: FIXTURE_PARTITION,
  }),
  removeRoomMember: async (f) => {
    const member = newMember();
    await f.t.kw.rooms.add(f.room, member);
    return { method: "DELETE", url: `/v1/rooms/team/members/${member}`, partition: FIXTURE_PARTITION };
  },
  rotateRoom: (f) => ({ method: "POST", url: `/v1/rooms/${f.room}/rotate`, partition: FIXTURE_PARTITION }),
  exportRoom: (f) => ({ method: "GET", url: `/v1/rooms/${f.room}/export`, partition: FIXTURE_PARTITION }),
  importRoom: (f) => ({ method: "POST", url: "/v1/rooms/import", body: { export: f.roomExport } }),
  verifyRoom: (f) => ({ method: "POST", url: "/v1/rooms/verify", body: { export: f.roomExport } }),
  exportRoomRiver: (f) => ({ method: "GET", url: `/v1/rooms/${f.room}/river`, partition: FIXTURE_PARTITION }),
  importRoomRiver: async (f) => {
    const r = await f.t.kw.river.export(f.room);
    return {
      method: "POST",
      url: "/v1/rooms/river/import",
      body: { state: bytesToBase64url(r.state), parameters: bytesToBase64url(r.parameters) },
    };
  },
  riverValidateState: async (f) => {
    const r = await f.t.kw.river.export(f.room);
    return {
      method: "POST",
      url: "/v1/river/validate-state",
      slow: true,
      body: {
        contract: bytesToBase64url(readFileSync("test/fixtures/river/room_contract_current.wasm")),
        parameters: bytesToBase64url(r.parameters),
        state: bytesToBase64url(r.state),
      },
    };
  },
  grantDelegation: (f) => ({
    method: "POST",
    url: "/v1/delegations/grant",
    body: { delegator: 1000 + f.next(), provider: "A", scopes: [1, "posts"], at: 100 },
  }),
  revokeDelegation: async (f) => {
    const delegator = 5000 + f.next();
    await f.t.kw.delegations.store.write([{ op: "grant", delegator, provider: "A", scopes: [1], at: 10 }]);
    return { method: "POST", url: "/v1/delegations/revoke", body: { delegator, provider: "A", at: 20 } };
  },
  writeDelegationEvents: (f) => ({
    method: "POST",
    url: "/v1/delegations/events",
    body: { events: [{ op: "grant", delegator: 9000 + f.next(), provider: "B", scopes: [2], at: 5 }] },
  }),
  importDelegations: (f) => ({
    method: "POST",
    url: "/v1/delegations/import",
    body: `${JSON.stringify({ op: "grant", delegator: 20_000 + f.next(), provider: "C", scopes: [3], at: 1 })}\n`,
    contentType: "application/x-ndjson",
  }),
  checkDelegation: () => ({
    method: "GET",
    url: "/v1/delegations/check?delegator=7&provider=A&scope=1&at=150",
  }),
  compareDelegation: () => ({
    method: "GET",
    url: "/v1/delegations/compare?delegator=7&provider=A&scope=1&at=150",
  }),
  delegationHistory: () => ({ method: "GET", url: "/v1/delegations/history?delegator=7&provider=A" }),
  validateDelegations: () => ({
    method: "POST",
    url: "/v1/delegations/validate",
    body: "delegator,provider,scope,at\n7,A,1,150\n7,A,1,50\n",
    contentType: "text/csv",
  }),
  validateDsnpBatch: () => ({
    method: "POST",
    url: "/v1/delegations/validate/parquet?provider=A&at=150&intent=1",
    body: DSNP_BATCH,
    contentType: "application/vnd.apache.parquet",
  }),
  dsnpBatchVerdicts: async (f) => {
    const up = await f.t.request("POST", "/v1/delegations/validate/parquet?provider=A&at=150", {
      token: await f.t.token(["delegations:read"]),
      body: DSNP_BATCH,
      contentType: "application/vnd.apache.parquet",
    });
    return { method: "GET", url: JSON.parse(up.body).verdicts.href };
  },
  delegationCheckpoint: () => ({ method: "POST", url: "/v1/delegations/checkpoint" }),
  delegationProof: () => ({ method: "GET", url: "/v1/delegations/proof?delegator=7&provider=A&scope=1" }),
  verifyDelegationProof: (f) => ({
    method: "POST",
    url: "/v1/delegations/verify",
    body: { ...f.proof, at: 150 },
  }),
};
