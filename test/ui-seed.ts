// A known history for the dashboard's browser tests, written through the real HTTP API of a running server.
import { bytesToHex, hexToBytes } from "../src/crypto/bytes.js";
import { ed25519PublicKey, ed25519Sign } from "../src/crypto/ed25519.js";
import { randomBytes } from "../src/crypto/random.js";
import { formatCertificate } from "../src/delegates/certificate.js";
import { revocationBytes } from "../src/delegates/statements.js";
import { certifyVersion, newAppKey } from "../src/delegates/test-support.js";
import { api } from "./http-process.js";

/** A user-supplied name that would run script if any page rendered it as HTML. */
export const HOSTILE = `<img src=x onerror="document.title='pwned'">`;

/** What the seed created, for the assertions. */
export interface Seeded {
  /** Room id (64 hex) of "team"; members by name; Bob was removed at version 1. */
  readonly room: string;
  readonly members: { alice: string; bob: string; carol: string };
  /** Delegate keys of app "chat" versions 1–3: v1 migrated to v2, v3 revoked. */
  readonly versions: { v1: string; v2: string; v3: string };
  /** The delegate secret's value (never on a page until revealed). */
  readonly secretValue: string;
}

/**
 * Writes the README's delegation history (1234/A: scopes 1 and 2 from 100; scope 1 revoked at 400, granted
 * again at 1000, everything revoked at 2000), a provider with a hostile name, a room with a removal, an app
 * with three versions (migration v1 → v2, v3 revoked) and a rotated custody identity.
 */
export async function seedDashboard(url: string, token: string): Promise<Seeded> {
  const call = async (method: string, path: string, body?: unknown) => {
    const res = await api(`${url}${path}`, method, token, body);
    if (res.status >= 300) throw new Error(`${method} ${path} → ${res.status} ${JSON.stringify(res.json)}`);
    return res.json as Record<string, unknown>;
  };
  await call("POST", "/v1/delegations/events", {
    events: [
      { op: "grant", delegator: 1234, provider: "A", scopes: [1, 2], at: 100 },
      { op: "revoke", delegator: 1234, provider: "A", scopes: [1], at: 400 },
      { op: "grant", delegator: 1234, provider: "A", scopes: [1], at: 1000 },
      { op: "revoke", delegator: 1234, provider: "A", at: 2000 },
      { op: "grant", delegator: 1234, provider: HOSTILE, scopes: [HOSTILE], at: 50 },
    ],
  });

  const key = (): string => bytesToHex(ed25519PublicKey(randomBytes(32)));
  const members = { alice: key(), bob: key(), carol: key() };
  const created = await call("POST", "/v1/rooms", { name: "team", ownerSeed: bytesToHex(randomBytes(32)) });
  const room = String(created.room);
  for (const m of [members.alice, members.bob, members.carol])
    await call("POST", `/v1/rooms/${room}/members`, { member: m });
  await call("DELETE", `/v1/rooms/${room}/members/${members.bob}`);
  await call("POST", `/v1/rooms/${room}/rotate`);
  await call("POST", "/v1/rooms", { name: HOSTILE, ownerSeed: bytesToHex(randomBytes(32)) });

  const appKey = newAppKey();
  await call("POST", "/v1/apps", { name: "chat", publicKey: appKey.hex });
  const register = async (v: number) =>
    String(
      (
        await call("POST", "/v1/delegates", {
          certificate: formatCertificate(certifyVersion(appKey, "chat", v)),
        })
      ).delegateKey,
    );
  const versions = { v1: await register(1), v2: await register(2), v3: await register(3) };
  const secretValue = `room-key-${bytesToHex(randomBytes(8))}`;
  await call("PUT", `/v1/delegates/${versions.v1}/secrets/room-key`, {
    value: secretValue,
    encoding: "utf8",
  });
  const issued = await call("POST", `/v1/delegates/${versions.v1}/migration-tokens`, { to: versions.v2 });
  await call("POST", `/v1/delegates/${versions.v1}/migrate`, { to: versions.v2, token: issued.token });
  const statement = {
    appKey: appKey.publicKey,
    delegateKey: hexToBytes(versions.v3),
    version: 3,
    reason: "broken build",
  };
  const signature = appKey.seed.use((s) => ed25519Sign(s, revocationBytes(statement)));
  await call("POST", `/v1/delegates/${versions.v3}/revoke`, {
    reason: "broken build",
    appKey: appKey.hex,
    signature: bytesToHex(signature),
  });

  const alice = "/v1/partitions/acme/identities/email:alice@example.com";
  await call("POST", "/v1/partitions", { name: "acme" });
  await call("GET", `${alice}/key`);
  await call("POST", `${alice}/rotate`);
  await call("POST", `${alice}/suspend`);
  await call("POST", `${alice}/resume`);
  const legacy = "/v1/partitions/acme/identities/email:legacy@example.com";
  await call("POST", `${legacy}/import-legacy`, {
    scheme: "ed25519",
    privateKey: bytesToHex(randomBytes(32)),
  });
  await call("POST", `${legacy}/remap`);
  return { room, members, versions, secretValue };
}
