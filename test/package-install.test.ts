// The published package works on its own: `npm pack` → install the tarball in a temp prefix without dev
// dependencies → `keyward --version`, a CLI walkthrough and the README's library example run, with no tsx.
import { execFileSync, spawnSync } from "node:child_process";
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const ROOT = join(import.meta.dirname, "..");
const scratch = mkdtempSync(join(tmpdir(), "keyward-pack-"));
const prefix = join(scratch, "app");
const pkg = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { version: string };
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

function run(cmd: string, args: string[], cwd: string, input?: string) {
  const r = spawnSync(cmd, args, { cwd, encoding: "utf8", timeout: 120_000, ...(input ? { input } : {}) });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

beforeAll(() => {
  // The package is assembled from its manifest's `files` with a build into the staging copy, so this test
  // never rewrites the checkout's dist/ while other suites run.
  const stage = join(scratch, "stage");
  mkdirSync(stage);
  for (const f of ["package.json", "README.md", "bin"])
    cpSync(join(ROOT, f), join(stage, f), { recursive: true });
  execFileSync(
    process.execPath,
    [
      join(ROOT, "node_modules/typescript/bin/tsc"),
      "-p",
      join(ROOT, "tsconfig.build.json"),
      "--outDir",
      join(stage, "dist"),
    ],
    { cwd: ROOT },
  );
  execFileSync("npm", ["pack", "--ignore-scripts", "--pack-destination", scratch], {
    cwd: stage,
    stdio: "ignore",
  });
  mkdirSync(prefix);
  writeFileSync(
    join(prefix, "package.json"),
    JSON.stringify({ name: "app", version: "1.0.0", type: "module" }),
  );
  const tarball = join(scratch, `keyward-${pkg.version}.tgz`);
  // Install scripts are skipped and the one compiled addon (better-sqlite3) is taken from this checkout's
  // build: the test is about the package's contents, not about compiling SQLite again (about a minute).
  execFileSync(
    "npm",
    ["install", "--omit=dev", "--ignore-scripts", "--prefer-offline", "--no-audit", "--no-fund", tarball],
    { cwd: prefix, stdio: "ignore", timeout: 240_000 },
  );
  cpSync(join(ROOT, "node_modules/better-sqlite3/build"), join(prefix, "node_modules/better-sqlite3/build"), {
    recursive: true,
  });
}, 300_000);

describe("the npm package", () => {
  it("ships dist/ and bin/ without sources, tests or dev dependencies", () => {
    const installed = join(prefix, "node_modules/keyward");
    expect(existsSync(join(installed, "dist/src/index.js"))).toBe(true);
    expect(existsSync(join(installed, "src"))).toBe(false);
    expect(readdirSync(join(installed, "dist/src/crypto")).some((f) => f.includes(".test."))).toBe(false);
    for (const dev of ["tsx", "typescript", "vitest", "esbuild"])
      expect(existsSync(join(prefix, "node_modules", dev)), dev).toBe(false);
  });

  it("runs `keyward --version` and a sealed-secret walkthrough from the installed bin", () => {
    const bin = join(prefix, "node_modules/.bin/keyward");
    expect(run(bin, ["--version"], prefix)).toMatchObject({ code: 0, stdout: `keyward ${pkg.version}\n` });
    expect(run(bin, ["init"], prefix).code).toBe(0);
    expect(run(bin, ["secret", "put", "k"], prefix, "v4lue").code).toBe(0);
    expect(run(bin, ["secret", "get", "k", "--reveal"], prefix)).toMatchObject({ code: 0, stdout: "v4lue" });
  });

  it("runs River's chat delegate from the installed package (built sandbox worker)", () => {
    const bin = join(prefix, "node_modules/.bin/keyward");
    const wasm = join(ROOT, "test/fixtures/river/chat_delegate_V28.wasm");
    const app = run(bin, ["app", "keygen", "--out", "river.key"], prefix).stdout.trim();
    expect(run(bin, ["app", "register", "--name", "river", "--public-key", app], prefix).code).toBe(0);
    const certify = [
      "delegate",
      "certify",
      "--app-key",
      "river.key",
      "--code",
      wasm,
      "--version",
      "28",
      "--out",
      "v28.cert",
    ];
    const key = run(bin, certify, prefix).stdout.trim();
    expect(run(bin, ["delegate", "register", "--cert", "v28.cert", "--wasm", wasm], prefix).code).toBe(0);
    expect(run(bin, ["delegate", "river-message", "list", "--out", "list.cbor"], prefix).code).toBe(0);
    const call = [
      "delegate",
      "call",
      "--delegate",
      key,
      "--origin",
      "ab".repeat(32),
      "--message-file",
      "list.cbor",
      "--json",
    ];
    const r = run(bin, call, prefix);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).messages[0].decoded).toEqual({ ListResponse: { keys: [] } });
  });

  it("imports the library as the README shows", () => {
    const script = [
      'import { bytesToHex, delegateKey, deriveRoomSecret, ed25519PublicKey, hexToBytes } from "keyward";',
      'const seed = hexToBytes("00".repeat(32));',
      "console.log(bytesToHex(deriveRoomSecret(seed, ed25519PublicKey(seed), 0)));",
      'console.log(bytesToHex(delegateKey(new TextEncoder().encode("abc")).key));',
    ].join("\n");
    writeFileSync(join(prefix, "example.mjs"), script);
    const r = run(process.execPath, ["example.mjs"], prefix);
    expect(r.stderr).toBe("");
    expect(r.stdout).toBe(
      "22168c10b93139f8dc023907fc5595126c5380421bde7b74ef2622837e5b28d3\n" +
        "dc2f738d17b8a7ec03efdd0a95e8d3924b8e05965040ab6dcafd992994012bd4\n",
    );
  });
});
