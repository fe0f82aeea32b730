// End-to-end: `keyward init`, `secret put|get|list|delete` and `rekey` driven as a real process (SQLite and Postgres).
import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { dropTestSchema, newTestSchema, testPostgresUrl } from "../../store/testing.js";

interface Run {
  code: number | null;
  stdout: Buffer;
  stderr: string;
}

function cli(args: string[], opts: { input?: Uint8Array | string; env?: Record<string, string> } = {}): Run {
  const env: NodeJS.ProcessEnv = { ...process.env, ...opts.env };
  for (const k of [
    "KEYWARD_DATA",
    "KEYWARD_DB",
    "KEYWARD_KEY_FILE",
    "KEYWARD_PASSPHRASE",
    "KEYWARD_NEW_PASSPHRASE",
  ])
    if (!opts.env?.[k]) delete env[k];
  const r = spawnSync(process.execPath, ["--import", "tsx", "src/cli/main.ts", ...args], {
    input: opts.input ?? "",
    env,
    timeout: 30_000,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr.toString() };
}

const dirs: string[] = [];
const schemas: string[] = [];
afterAll(async () => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
  for (const s of schemas) await dropTestSchema(s);
});

function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), "keyward-cli-"));
  dirs.push(d);
  return d;
}

describe("keyward init + secret (sqlite, generated key file)", () => {
  const data = join(tempDir(), "kw");
  const g = ["--data", data];
  const value = Uint8Array.from([0, 1, 2, 255, 10, 13, 32, 0x68, 0x69]);

  it("init creates the data dir, the keyring and a 0600 unseal.key, and says so", () => {
    const r = cli([...g, "init"]);
    expect(r.code).toBe(0);
    expect(r.stdout.toString()).toContain("unseal.key");
    expect(readFileSync(join(data, "unseal.key"), "utf8")).toMatch(/^[0-9a-f]{64}\n$/);
    expect(statSync(join(data, "unseal.key")).mode & 0o777).toBe(0o600);
    expect(statSync(join(data, "keyward.db")).mode & 0o777).toBe(0o600);
  });

  it("init on an initialised store changes nothing: ok when its key opens it, refused otherwise, no file written", () => {
    const key = readFileSync(join(data, "unseal.key"), "utf8");
    const before = readdirSync(data).sort();
    const again = cli([...g, "--json", "init"]);
    expect(again.code).toBe(0);
    expect(JSON.parse(again.stdout.toString())).toMatchObject({
      alreadyInitialized: true,
      unseal: "key-file",
    });
    const wrong = join(tempDir(), "wrong.key");
    writeFileSync(wrong, `${"11".repeat(32)}\n`, { mode: 0o600 });
    const refused = cli([...g, "--key-file", wrong, "init"]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/^error unseal_failed: .*\(tried key file .*wrong\.key\)/);
    expect(readFileSync(join(data, "unseal.key"), "utf8")).toBe(key);
    expect(readdirSync(data).sort()).toEqual(before);
  });

  it("puts raw stdin bytes and gets them back byte for byte with --reveal", () => {
    expect(cli([...g, "secret", "put", "api-key"], { input: value }).code).toBe(0);
    const r = cli([...g, "secret", "get", "api-key", "--reveal"]);
    expect(r.code).toBe(0);
    expect(new Uint8Array(r.stdout)).toEqual(value);
    const j = cli([...g, "--json", "secret", "get", "api-key", "--reveal"]);
    expect(JSON.parse(j.stdout.toString())).toEqual({
      name: "api-key",
      hex: Buffer.from(value).toString("hex"),
    });
  });

  it("get without --reveal is bad usage (exit 2) and prints nothing of the secret", () => {
    const r = cli([...g, "secret", "get", "api-key"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("--reveal");
    expect(r.stdout.length).toBe(0);
  });

  it("lists names, deletes, and reports a missing secret as not_found (exit 1)", () => {
    expect(cli([...g, "secret", "put", "b"], { input: "x" }).code).toBe(0);
    expect(JSON.parse(cli([...g, "--json", "secret", "list"]).stdout.toString())).toEqual({
      names: ["api-key", "b"],
    });
    expect(cli([...g, "secret", "delete", "b"]).code).toBe(0);
    const again = cli([...g, "secret", "delete", "b"]);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain("error not_found");
    expect(cli([...g, "secret", "list"]).stdout.toString()).toBe("api-key\n");
  });

  it("refuses empty stdin and malformed names with exit 2", () => {
    expect(cli([...g, "secret", "put", "empty"]).code).toBe(2);
    expect(cli([...g, "secret", "put", "x".repeat(2000)], { input: "v" }).code).toBe(2);
  });

  it("rekey moves the store to a passphrase: the old key file stops working", () => {
    const r = cli([...g, "rekey"], { env: { KEYWARD_NEW_PASSPHRASE: "a much longer new passphrase" } });
    expect(r.code).toBe(0);
    const old = cli([...g, "secret", "list"]);
    expect(old.code).toBe(1);
    expect(old.stderr).toContain("unseal_failed");
    const now = cli([...g, "secret", "get", "api-key", "--reveal"], {
      env: { KEYWARD_PASSPHRASE: "a much longer new passphrase" },
    });
    expect(new Uint8Array(now.stdout)).toEqual(value);
  });
});

describe("keyward datakey (sqlite)", () => {
  it("status, rotate --reseal and reseal: every secret moves to the new data key and still opens", () => {
    const data = join(tempDir(), "kw");
    const g = ["--data", data, "--json"];
    expect(cli([...g, "init"]).code).toBe(0);
    for (const n of ["a", "b"]) expect(cli([...g, "secret", "put", n], { input: `value-${n}` }).code).toBe(0);
    const status = () => JSON.parse(cli([...g, "datakey", "status"]).stdout.toString());
    expect(status()).toEqual({ active: 1, versions: [1], secrets: { 1: 2 } });
    const rotated = cli([...g, "datakey", "rotate", "--reseal"]);
    expect(rotated.code).toBe(0);
    expect(JSON.parse(rotated.stdout.toString())).toEqual({
      active: 2,
      reseal: { active: 2, resealed: 2, skipped: 0 },
    });
    expect(status()).toEqual({ active: 2, versions: [1, 2], secrets: { 2: 2 } });
    expect(cli(["--data", data, "secret", "get", "a", "--reveal"]).stdout.toString()).toBe("value-a");
    const again = cli(["--data", data, "datakey", "reseal"]);
    expect(again.stdout.toString()).toBe("re-sealed 0 secret(s) under data key 2\n");
  });
});

describe("keyward init + secret (passphrase, key file, postgres)", () => {
  it("a passphrase store refuses a wrong passphrase with exit 1 unseal_failed", () => {
    const data = tempDir();
    expect(cli(["--data", data, "init"], { env: { KEYWARD_PASSPHRASE: "right passphrase" } }).code).toBe(0);
    expect(
      cli(["--data", data, "secret", "put", "n"], {
        input: "v",
        env: { KEYWARD_PASSPHRASE: "right passphrase" },
      }).code,
    ).toBe(0);
    const wrong = cli(["--data", data, "secret", "list"], {
      env: { KEYWARD_PASSPHRASE: "bad-guess-42" },
    });
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toMatch(/^error unseal_failed: /);
    expect(wrong.stderr).not.toContain("bad-guess-42");
  });

  it("works with --key-file and --db postgres://…?schema=", () => {
    const data = tempDir();
    const keyFile = join(data, "my.key");
    writeFileSync(keyFile, `${"5a".repeat(32)}\n`, { mode: 0o600 });
    const schema = newTestSchema();
    schemas.push(schema);
    const g = ["--data", data, "--db", testPostgresUrl(schema), "--key-file", keyFile];
    const init = cli([...g, "--json", "init"]);
    expect(init.code).toBe(0);
    expect(JSON.parse(init.stdout.toString())).toMatchObject({ backend: "postgres", unseal: "key-file" });
    expect(cli([...g, "secret", "put", "pg-secret"], { input: "over postgres" }).code).toBe(0);
    expect(cli([...g, "secret", "get", "pg-secret", "--reveal"]).stdout.toString()).toBe("over postgres");
    expect(cli([...g, "init"]).code).toBe(0); // already initialised, opened by the same key file: no change
    const other = join(tempDir(), "other.key");
    writeFileSync(other, `${"6b".repeat(32)}\n`, { mode: 0o600 });
    expect(cli(["--data", data, "--db", testPostgresUrl(schema), "--key-file", other, "init"]).code).toBe(1);
  });
});
