// The WebAssembly delegate CLI's refusals through the real (bundled) CLI: each names the flag or rule, exit
// 1 for a refused operation, 2 for bad usage — and a refused registration stores nothing.
import { spawnSync } from "node:child_process";
import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bundleEntry } from "./delegates-process.js";
import { UNKNOWN_IMPORT } from "./wasm/hostile.js";
import { wat } from "./wasm/wat.js";

let dir: string;
let cli: string;
let v28 = "";

function kw(...args: string[]) {
  const r = spawnSync(process.execPath, [cli, "--data", join(dir, "data"), ...args], {
    cwd: dir,
    env: { ...process.env, KEYWARD_PASSPHRASE: "", KEYWARD_DATA: undefined, KEYWARD_DB: undefined },
    encoding: "utf8",
  });
  return { code: r.status, stdout: r.stdout.trim(), stderr: r.stderr.trim() };
}

beforeAll(async () => {
  cli = await bundleEntry("src/cli/main.ts");
  dir = mkdtempSync(join(tmpdir(), "keyward-wasm-cli-"));
  copyFileSync("test/fixtures/river/chat_delegate_V28.wasm", join(dir, "v28.wasm"));
  writeFileSync(join(dir, "evil.wasm"), await wat(UNKNOWN_IMPORT));
  writeFileSync(join(dir, "plain.bin"), "not wasm");
  expect(kw("init").code).toBe(0);
  const app = kw("app", "keygen", "--out", "app.key").stdout;
  expect(kw("app", "register", "--name", "river", "--public-key", app).code).toBe(0);
  v28 = kw(
    "delegate",
    "certify",
    "--app-key",
    "app.key",
    "--code",
    "v28.wasm",
    "--version",
    "28",
    "--out",
    "v28.cert",
  ).stdout;
  for (const [code, v] of [
    ["evil.wasm", "2"],
    ["plain.bin", "3"],
  ] as const)
    kw("delegate", "certify", "--app-key", "app.key", "--code", code, "--version", v, "--out", `${v}.cert`);
}, 120_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("delegate register --wasm / delegate call", () => {
  it("refuses a module that is not the certified code, or imports what the host lacks; nothing stored", () => {
    const mismatch = kw("delegate", "register", "--cert", "v28.cert", "--wasm", "evil.wasm");
    expect(mismatch.code).toBe(1);
    expect(mismatch.stderr).toMatch(
      /^error code_mismatch: the module's BLAKE3 does not match the certified code hash/,
    );
    const evil = kw("delegate", "register", "--cert", "2.cert", "--wasm", "evil.wasm");
    expect(evil.code).toBe(1);
    expect(evil.stderr).toMatch(
      /^error invalid_module: module imports env\.now_ms, which this host does not provide/,
    );
    const plain = kw("delegate", "register", "--cert", "3.cert", "--wasm", "plain.bin");
    expect(plain.stderr).toMatch(/^error invalid_module: not a WebAssembly module/);
    expect(kw("delegate", "versions", "--app", "river").stdout).toBe("no versions");
  });

  it("calls River's code; bad usage exits 2, refusals exit 1 with their code", () => {
    expect(kw("delegate", "register", "--cert", "v28.cert", "--wasm", "v28.wasm").code).toBe(0);
    expect(kw("delegate", "river-message", "list", "--out", "list.cbor").code).toBe(0);
    const ok = kw(
      "delegate",
      "call",
      "--delegate",
      v28,
      "--origin",
      "cd".repeat(32),
      "--message-file",
      "list.cbor",
    );
    expect(ok).toMatchObject({ code: 0, stdout: expect.stringContaining('{"ListResponse":{"keys":[]}}') });
    const badOrigin = kw(
      "delegate",
      "call",
      "--delegate",
      v28,
      "--origin",
      "xyz",
      "--message-file",
      "list.cbor",
    );
    expect(badOrigin.code).toBe(2);
    expect(badOrigin.stderr).toContain("--origin");
    const noFile = kw("delegate", "call", "--delegate", v28, "--message-file", "missing.cbor");
    expect(noFile.code).toBe(2);
    expect(noFile.stderr).toContain("--message-file");
    const noOrigin = kw("delegate", "call", "--delegate", v28, "--message-file", "list.cbor", "--json");
    expect(noOrigin.code).toBe(1);
    expect(JSON.parse(noOrigin.stdout).error.code).toBe("delegate_error");
    const unknown = kw("delegate", "call", "--delegate", "00".repeat(32), "--message-file", "list.cbor");
    expect(unknown).toMatchObject({ code: 1, stderr: expect.stringMatching(/^error not_found:/) });
    const badType = kw("delegate", "river-message", "teleport", "--out", "x.cbor");
    expect(badType.code).toBe(2);
    expect(badType.stderr).toContain("request type must be one of");
    const missing = kw("delegate", "river-message", "get", "--out", "x.cbor");
    expect(missing).toMatchObject({ code: 2, stderr: expect.stringContaining("--key is required for get") });
  });
});
