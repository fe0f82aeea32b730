// CLI end to end (the "done when"): app key, two certified versions, secrets in v1, a token, migration
// to v2, the replay refused — plus key rotation, revocation, sessions and the exit-code contract.
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bytesToHex } from "../src/crypto/bytes.js";
import { randomBytes } from "../src/crypto/random.js";
import { openStorage } from "../src/store/open.js";
import { bundleEntry } from "./delegates-process.js";

let dir: string;
let cli: string;

interface Run {
  code: number | null;
  raw: Buffer;
  stdout: string;
  stderr: string;
}

function kw(args: string[], input?: string | Buffer, viaBin = false): Run {
  const entry = viaBin ? ["bin/keyward.js"] : [cli];
  const r = spawnSync(
    process.execPath,
    [...entry, "--data", join(dir, "data"), "--key-file", join(dir, "unseal.key"), ...args],
    { input: input ?? "", cwd: process.cwd(), env: { ...process.env, KEYWARD_PASSPHRASE: "" } },
  );
  return { code: r.status, raw: r.stdout, stdout: r.stdout.toString(), stderr: r.stderr.toString() };
}

function json<T>(args: string[], input?: string | Buffer): T {
  const r = kw(["--json", ...args], input);
  expect(r.stderr).toBe("");
  expect(r.code).toBe(0);
  return JSON.parse(r.stdout) as T;
}

beforeAll(async () => {
  cli = await bundleEntry("src/cli/main.ts");
  dir = mkdtempSync(join(tmpdir(), "keyward-delegates-cli-"));
  writeFileSync(join(dir, "unseal.key"), `${bytesToHex(randomBytes(32))}\n`, { mode: 0o600 });
  // Initialise the sealed store the way `keyward init` does (library call: no dependency on that command).
  const storage = await openStorage({
    dataDir: join(dir, "data"),
    unseal: { keyFile: join(dir, "unseal.key") },
    createIfMissing: true,
  });
  await storage.close();
  writeFileSync(join(dir, "v1.wasm"), "delegate code, version 1");
  writeFileSync(join(dir, "v2.wasm"), "delegate code, version 2");
  writeFileSync(join(dir, "v3.wasm"), "delegate code, version 3");
}, 60_000);

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
  rmSync(dirname(cli), { recursive: true, force: true });
});

describe("keyward app / delegate CLI", () => {
  it("walks the README flow: keygen, certify + register two versions, secrets, token, migrate, replay refused", () => {
    const keyFile = join(dir, "app.key");
    const pub = kw(["app", "keygen", "--out", keyFile]);
    expect(pub.code).toBe(0);
    expect(pub.stdout.trim()).toMatch(/^[0-9a-f]{64}$/);
    expect(statSync(keyFile).mode & 0o777).toBe(0o600);
    const again = kw(["app", "keygen", "--out", keyFile]);
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/^error already_exists: /);

    expect(
      json<{ name: string }>(["app", "register", "--name", "chat", "--public-key", pub.stdout.trim()]).name,
    ).toBe("chat");
    const keys: string[] = [];
    for (const n of [1, 2]) {
      const cert = join(dir, `v${n}.cert`);
      const c = json<{ delegateKey: string }>([
        "delegate",
        "certify",
        "--app-key",
        keyFile,
        "--code",
        join(dir, `v${n}.wasm`),
        "--version",
        String(n),
        "--out",
        cert,
      ]);
      const computed = kw(["delegate", "key", "--code", join(dir, `v${n}.wasm`)]).stdout.trim();
      expect(c.delegateKey).toBe(computed);
      expect(json<{ version: number }>(["delegate", "register", "--cert", cert]).version).toBe(n);
      keys.push(c.delegateKey);
    }
    const [v1, v2] = keys as [string, string];
    const binary = Buffer.from([0, 1, 2, 255, 10, 13]);
    expect(kw(["delegate", "secret", "put", "--delegate", v1, "room-secret"], binary).code).toBe(0);
    expect(kw(["delegate", "secret", "put", "--delegate", v1, "signing-seed"], "seed bytes").code).toBe(0);
    expect(json<{ names: string[] }>(["delegate", "secret", "list", "--delegate", v1]).names).toEqual([
      "room-secret",
      "signing-seed",
    ]);

    const tok = json<{ token: string; expiresAt: string }>([
      "delegate",
      "token",
      "--from",
      v1,
      "--to",
      v2,
      "--ttl",
      "600",
    ]);
    expect(tok.token).toMatch(/^kwmt_[A-Za-z0-9_-]{43}$/);
    const m = json<{ from: string; to: string; moved: number; id: string }>([
      "delegate",
      "migrate",
      "--from",
      v1,
      "--to",
      v2,
      "--token",
      tok.token,
    ]);
    expect(m).toMatchObject({ from: v1, to: v2, moved: 2 });

    const replay = kw(["delegate", "migrate", "--from", v1, "--to", v2, "--token", tok.token]);
    expect(replay.code).toBe(1);
    expect(replay.stderr).toMatch(/^error token_used: token already used by migration /);
    expect(replay.stderr).toContain(m.id);
    const replayJson = kw(
      ["--json", "delegate", "migrate", "--from", v1, "--to", v2, "--token", "-"],
      tok.token,
    );
    expect(replayJson.code).toBe(1);
    expect(JSON.parse(replayJson.stdout).error.code).toBe("token_used");

    const revealed = kw(["delegate", "secret", "get", "--delegate", v2, "room-secret", "--reveal"]);
    expect(revealed.raw.equals(binary)).toBe(true);
    expect(kw(["delegate", "secret", "get", "--delegate", v1, "room-secret", "--reveal"]).stderr).toMatch(
      /^error migrated: /,
    );
    expect(kw(["delegate", "secret", "get", "--delegate", v2, "room-secret"]).code).toBe(2);
    const status = json<{ migratedTo: { to: string } | null }>(["delegate", "status", "--delegate", v1]);
    expect(status.migratedTo?.to).toBe(v2);
  });

  it("rotates the app key, refuses retired-key certificates, revokes a version and refuses migrating to it", () => {
    const oldKey = join(dir, "app.key");
    const newKey = join(dir, "app-next.key");
    const newPub = kw(["app", "keygen", "--out", newKey]).stdout.trim();
    const rotated = json<{ sequence: number; publicKey: string }>([
      "app",
      "rotate-key",
      "--name",
      "chat",
      "--app-key",
      oldKey,
      "--new-public-key",
      newPub,
    ]);
    expect(rotated).toMatchObject({ sequence: 1, publicKey: newPub });
    expect(
      kw(["app", "rotate-key", "--name", "chat", "--app-key", oldKey, "--new-public-key", newPub]).stderr,
    ).toMatch(/^error invalid_signature: /);

    const stale = join(dir, "v3-stale.cert");
    kw([
      "delegate",
      "certify",
      "--app-key",
      oldKey,
      "--code",
      join(dir, "v3.wasm"),
      "--version",
      "3",
      "--out",
      stale,
    ]);
    const refused = kw(["delegate", "register", "--cert", stale]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/^error invalid_certificate: /);

    const fresh = join(dir, "v3.cert");
    kw([
      "delegate",
      "certify",
      "--app-key",
      newKey,
      "--code",
      join(dir, "v3.wasm"),
      "--version",
      "3",
      "--out",
      fresh,
    ]);
    const v3 = json<{ delegateKey: string }>(["delegate", "register", "--cert", fresh]).delegateKey;
    expect(
      json<{ revoked: unknown }>([
        "delegate",
        "revoke-version",
        "--delegate",
        v3,
        "--app-key",
        newKey,
        "--reason",
        "bad build",
      ]).revoked,
    ).toMatchObject({ reason: "bad build" });

    const versions = json<{ versions: { delegateKey: string; version: number }[] }>([
      "delegate",
      "versions",
      "--app",
      "chat",
    ]);
    const v2 = versions.versions.find((v) => v.version === 2)!.delegateKey;
    // Refused when the token is asked for: no token is handed out that `migrate` would refuse.
    const r = kw(["delegate", "token", "--from", v2, "--to", v3]);
    expect(r.code).toBe(1);
    expect(r.stdout.toString()).toBe("");
    expect(r.stderr).toMatch(/^error revoked_target: /);
  });

  it("creates a session and fires its due action once through `delegate session run`", () => {
    const versions = json<{ versions: { delegateKey: string; version: number }[] }>([
      "delegate",
      "versions",
      "--app",
      "chat",
    ]);
    const v2 = versions.versions.find((v) => v.version === 2)!.delegateKey;
    const s = json<{ id: string; publicKey: string }>([
      "delegate",
      "session",
      "create",
      "--delegate",
      v2,
      "--prefix",
      "pay:",
      "--max-uses",
      "2",
      "--expires-in",
      "600",
      "--fire-in",
      "0",
      "--message",
      "pay:bob",
    ]);
    const run1 = json<{ fired: { signature: string }[] }>(["delegate", "session", "run"]);
    expect(run1.fired).toHaveLength(1);
    expect(run1.fired[0]!.signature).toMatch(/^[0-9a-f]{128}$/);
    expect(json<{ fired: unknown[] }>(["delegate", "session", "run"]).fired).toEqual([]);
    expect(json<{ uses: number }>(["delegate", "session", "show", "--session", s.id]).uses).toBe(1);
  });

  it("reports malformed input with exit 2 and names the flag (also through bin/keyward.js)", () => {
    const bad = kw(["delegate", "status", "--delegate", "xyz"], undefined, true);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/^error invalid_input: delegateKey must be 64 hex characters/);
    const badToken = kw([
      "delegate",
      "migrate",
      "--from",
      "00".repeat(32),
      "--to",
      "11".repeat(32),
      "--token",
      "nope",
    ]);
    expect(badToken.code).toBe(2);
    expect(badToken.stderr).not.toContain("nope");
    expect(
      kw(["delegate", "token", "--from", "00".repeat(32), "--to", "11".repeat(32), "--ttl", "0"]).code,
    ).toBe(2);
    expect(kw(["delegate", "status", "--delegate", "00".repeat(32)]).code).toBe(1);
  });
});
