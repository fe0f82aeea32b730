// End-to-end (issue #4 "done when"): a new user drives custody and the audit log through the real CLI process;
// signatures are checked by node:crypto and @noble/curves, tampering by raw SQLite writes.
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { secp256k1 } from "@noble/curves/secp256k1.js";
import { keccak_256 } from "@noble/hashes/sha3.js";
import Database from "better-sqlite3";
import { afterAll, describe, expect, it } from "vitest";
import { nodeVerifyEd25519 } from "../../../test/custody-helpers.js";

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function cli(dir: string, args: string[]) {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const k of ["KEYWARD_DATA", "KEYWARD_DB", "KEYWARD_KEY_FILE", "KEYWARD_PASSPHRASE"]) delete env[k];
  const r = spawnSync(process.execPath, ["--import", "tsx", "src/cli/main.ts", "--data", dir, ...args], {
    env,
    timeout: 30_000,
  });
  const stdout = r.stdout.toString();
  return { code: r.status, stdout, stderr: r.stderr.toString(), json: () => JSON.parse(stdout) };
}

describe("keyward custody CLI", () => {
  it("partition → key → sign → rotate → suspend → audit verify, checked outside", () => {
    const dir = mkdtempSync(join(tmpdir(), "keyward-cli-custody-"));
    dirs.push(dir);
    expect(cli(dir, ["init"]).code).toBe(0);
    expect(cli(dir, ["partition", "create", "acme"]).code).toBe(0);
    expect(
      cli(dir, ["--json", "partition", "list"])
        .json()
        .partitions.map((p: { name: string }) => p.name),
    ).toEqual(["acme"]);
    const path = ["--partition", "acme", "--identity", "email:Alice@Example.com"];

    const k0 = cli(dir, ["identity", "key", ...path]).json();
    expect(Object.keys(k0).sort()).toEqual(["address", "generation", "publicKey", "scheme"]);
    expect(k0).toMatchObject({ generation: 0, scheme: "ed25519" });

    const s0 = cli(dir, ["identity", "sign", ...path, "--message-hex", "68656c6c6f"]).json();
    expect(Object.keys(s0).sort()).toEqual(["generation", "publicKey", "signature"]);
    expect(nodeVerifyEd25519(k0.publicKey, Buffer.from("hello"), s0.signature)).toBe(true);

    const msgFile = join(dir, "msg.txt");
    writeFileSync(msgFile, "Sign in to example.org");
    const ks = cli(dir, ["identity", "key", ...path, "--scheme", "secp256k1"]).json();
    const es = cli(dir, ["identity", "sign", ...path, "--message-file", msgFile, "--eip191"]).json();
    const sig = Buffer.from(es.signature, "hex");
    const digest = keccak_256(
      Buffer.concat([Buffer.from("\x19Ethereum Signed Message:\n22"), Buffer.from("Sign in to example.org")]),
    );
    const rec = secp256k1.recoverPublicKey(
      Buffer.concat([Buffer.from([sig[64]! - 27]), sig.subarray(0, 64)]),
      digest,
      { prehash: false },
    );
    const evm = `0x${Buffer.from(keccak_256(secp256k1.Point.fromBytes(rec).toBytes(false).subarray(1)).subarray(12)).toString("hex")}`;
    expect(evm).toBe(ks.evmAddress);

    const rot = cli(dir, ["identity", "rotate", ...path]).json();
    expect(rot.generation).toBe(1);
    const k1 = cli(dir, ["identity", "key", ...path]).json();
    expect(k1.address).toBe(k0.address);
    expect(k1.publicKey).not.toBe(k0.publicKey);

    expect(cli(dir, ["identity", "suspend", ...path]).json()).toMatchObject({ status: "suspended" });
    const refused = cli(dir, ["--json", "identity", "sign", ...path, "--message-hex", "00"]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/^error suspended: /);
    expect(refused.json()).toEqual({ error: { code: "suspended", message: expect.any(String) } });

    // A legacy (random) key: imported sealed, signs, then remapped by a statement it signs.
    const keyFile = join(dir, "legacy.hex");
    writeFileSync(keyFile, "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60\n");
    const legacy = ["--partition", "acme", "--identity", "user:legacy-1"];
    const imp = cli(dir, [
      "identity",
      "import-legacy",
      ...legacy,
      "--scheme",
      "ed25519",
      "--private-key-file",
      keyFile,
    ]);
    expect(imp.json().publicKey).toBe("d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a"); // RFC 8032 test 1

    const msk = cli(dir, ["--json", "msk", "rotate", "--partition", "acme"]).json();
    // Alice (suspended) moves too; the legacy path keeps its imported key until remapped.
    expect(msk).toEqual({ partition: "acme", epoch: 2, moved: 1, destroyedEpochs: [1] });
    const hist = cli(dir, ["identity", "history", ...path]).json();
    expect(hist.events.map((e: { kind: string }) => e.kind)).toEqual([
      "created",
      "rotated",
      "suspended",
      "remapped",
    ]);

    const ok = cli(dir, ["--json", "audit", "verify"]);
    expect(ok.code).toBe(0);
    expect(ok.json()).toMatchObject({ ok: true });
    expect(ok.json().entries).toBeGreaterThanOrEqual(9);

    // Tamper with the stored chain directly in SQLite: verify refuses with exit 1 and names the entry.
    const db = new Database(join(dir, "keyward.db"));
    db.prepare("DELETE FROM kw_log WHERE seq = ?").run(3);
    db.close();
    const broken = cli(dir, ["audit", "verify"]);
    expect(broken.code).toBe(1);
    expect(broken.stderr).toMatch(/^error audit_broken: audit chain broken at entry 3/);
  });

  it("bad usage exits 2 naming the flag (before any storage is opened)", () => {
    const dir = mkdtempSync(join(tmpdir(), "keyward-cli-custody-"));
    dirs.push(dir);
    const path = ["--partition", "acme", "--identity", "email:alice@example.com"];
    const none = cli(dir, ["identity", "sign", ...path]);
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/--message-hex or --message-file/);
    const scheme = cli(dir, ["identity", "key", ...path, "--scheme", "rsa"]);
    expect(scheme.code).toBe(2);
    expect(scheme.stderr).toMatch(/--scheme/);
  });
});
