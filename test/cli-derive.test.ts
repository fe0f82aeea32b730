// End-to-end: `keyward derive room-secret` and `keyward delegate key` driven as a real process.
// Expected bytes are the b3sum known answers of src/kdf/*.test.ts (commands written there).
import { execFile } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";

const ROOT = join(import.meta.dirname, "..");
const SRC_CLI = ["--import", "tsx", join(ROOT, "src/cli/main.ts")];
const BIN = [join(ROOT, "bin/keyward.js")];

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the CLI from the project root (tsx resolves from there) with no KEYWARD_* environment. */
function keyward(args: string[], entry = SRC_CLI): Promise<Run> {
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith("KEYWARD_")));
  return new Promise((resolve) => {
    execFile(process.execPath, [...entry, ...args], { cwd: ROOT, env }, (err, stdout, stderr) => {
      const code = err ? (typeof err.code === "number" ? err.code : -1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

const scratch = mkdtempSync(join(tmpdir(), "keyward-cli-derive-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const ZERO = "00".repeat(32);
const VK_ZERO = "3b6a27bcceb6a42d62a3a8d02a6f0d73653215771de243a63ac048a18b59da29";
const VK_ONE = "8a88e3dd7409f195fd52db2d3cba5d72ca6709bf1d94121bf3748801b40f6f5c";
const README_SECRET = "22168c10b93139f8dc023907fc5595126c5380421bde7b74ef2622837e5b28d3";
const ABC_CODE_HASH = "6437b3ac38465133ffb63b75273a8db548c558465d79db03fd359c6cd5bd9d85";
const ABC_KEY = "dc2f738d17b8a7ec03efdd0a95e8d3924b8e05965040ab6dcafd992994012bd4";
const ABC_0102_KEY = "c3b74806bd3e3aa85f445e194ead0a93c004ff37678ef82be03db3a4759cc32a";

const codeFile = join(scratch, "code.bin");
writeFileSync(codeFile, "abc");

/**
 * A usage failure: exit 2, nothing on stdout, one stderr line matching `line` (optionally followed by one
 * `hint: run \`keyward … --help\` for usage` line, never the whole help), no stack trace.
 */
function expectUsageError(r: Run, line: RegExp): void {
  expect(r.code).toBe(2);
  expect(r.stdout).toBe("");
  const lines = r.stderr.split("\n").filter((l) => l.length > 0);
  expect(
    lines.length === 1 ||
      (lines.length === 2 && /^hint: run `keyward [a-z -]+--help` for usage$/.test(lines[1]!)),
  ).toBe(true);
  expect(lines[0]).toMatch(line);
  expect(r.stderr).not.toMatch(/\n\s+at |Error:|node:internal/);
}

describe.concurrent("keyward derive room-secret", () => {
  it("prints the README example's 64-hex secret", async () => {
    const r = await keyward(["derive", "room-secret", "--seed", ZERO, "--owner", VK_ZERO, "--version", "0"]);
    expect(r).toEqual({ code: 0, stdout: `${README_SECRET}\n`, stderr: "" });
  });

  it("matches River's little-endian KAT (version 0x01020304) and --json (global flag after the command)", async () => {
    const r = await keyward([
      "derive",
      "room-secret",
      "--seed",
      ZERO,
      "--owner",
      VK_ONE,
      "--version",
      "16909060",
      "--json",
    ]);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({
      secret: "aa8f7d5ab5158466787228d68854f65d39ace313078f29a9fbad887970d3fe67",
      version: 16909060,
    });
  });

  it("accepts the largest version, 2^32-1", async () => {
    const r = await keyward([
      "--json",
      "derive",
      "room-secret",
      "--seed",
      "11".repeat(32),
      "--owner",
      "22".repeat(32),
      "--version",
      "4294967295",
    ]);
    expect(JSON.parse(r.stdout).secret).toBe(
      "810f20f3d728f9431b19be28ba994a07502d205ccf92991d18275b6dc850bf83",
    );
  });

  it("refuses a 31-byte seed naming --seed", async () => {
    const r = await keyward([
      "derive",
      "room-secret",
      "--seed",
      "00".repeat(31),
      "--owner",
      VK_ZERO,
      "--version",
      "0",
    ]);
    expectUsageError(r, /^error invalid_input: --seed must be 32 bytes \(64 hex characters\), got 31$/);
  });

  it("refuses non-hex naming --owner", async () => {
    const r = await keyward([
      "derive",
      "room-secret",
      "--seed",
      ZERO,
      "--owner",
      `zz${VK_ZERO.slice(2)}`,
      "--version",
      "0",
    ]);
    expectUsageError(r, /^error invalid_input: --owner must be hex/);
  });

  it("refuses version -1 and 2^32 naming --version", async () => {
    for (const v of ["-1", "4294967296"]) {
      const r = await keyward(["derive", "room-secret", "--seed", ZERO, "--owner", VK_ZERO, "--version", v]);
      expectUsageError(r, /^error invalid_input: --version must be between 0 and 4294967295$/);
    }
  });

  it("refuses a missing flag with one line naming it", async () => {
    const r = await keyward(["derive", "room-secret", "--seed", ZERO, "--owner", VK_ZERO]);
    expectUsageError(r, /^error: required option '--version <n>' not specified$/);
  });

  it("with --json, a bad input also yields the JSON error on stdout", async () => {
    const r = await keyward([
      "--json",
      "derive",
      "room-secret",
      "--seed",
      "00",
      "--owner",
      VK_ZERO,
      "--version",
      "0",
    ]);
    expect(r.code).toBe(2);
    expect(JSON.parse(r.stdout)).toEqual({
      error: { code: "invalid_input", message: "--seed must be 32 bytes (64 hex characters), got 1" },
    });
  });
});

describe.concurrent("keyward delegate key", () => {
  it("prints the 64-hex key, and {codeHash,key} with --json (README example)", async () => {
    const plain = await keyward(["delegate", "key", "--code", codeFile]);
    expect(plain).toEqual({ code: 0, stdout: `${ABC_KEY}\n`, stderr: "" });
    const json = await keyward(["delegate", "key", "--code", codeFile, "--json"]);
    expect(JSON.parse(json.stdout)).toEqual({ codeHash: ABC_CODE_HASH, key: ABC_KEY });
  });

  it("mixes in --params", async () => {
    const r = await keyward(["delegate", "key", "--code", codeFile, "--params", "0102"]);
    expect(r.stdout).toBe(`${ABC_0102_KEY}\n`);
  });

  it("refuses a missing or unreadable --code file and bad --params, naming the flag", async () => {
    expectUsageError(
      await keyward(["delegate", "key"]),
      /^error: required option '--code <file>' not specified$/,
    );
    expectUsageError(
      await keyward(["delegate", "key", "--code", join(scratch, "missing.wasm")]),
      /^error invalid_input: --code: cannot read file /,
    );
    expectUsageError(
      await keyward(["delegate", "key", "--code", codeFile, "--params", "abc"]),
      /^error invalid_input: --params must be hex/,
    );
  });

  it("runs the same through bin/keyward.js (the installed entry point)", async () => {
    const r = await keyward(["delegate", "key", "--code", codeFile], BIN);
    expect(r).toEqual({ code: 0, stdout: `${ABC_KEY}\n`, stderr: "" });
  });
});

describe.concurrent("help on every derive command", () => {
  const cases: [string[], string[]][] = [
    [["--help"], ["derive", "delegate", "--json", "--data <dir>"]],
    [["derive", "--help"], ["room-secret"]],
    [
      ["derive", "room-secret", "--help"],
      ["--seed <hex>", "--owner <hex>", "--version <n>"],
    ],
    [["delegate", "--help"], ["key"]],
    [
      ["delegate", "key", "--help"],
      ["--code <file>", "--params <hex>"],
    ],
  ];
  for (const [args, mentions] of cases) {
    it(`keyward ${args.join(" ")} exits 0 with usage naming ${mentions.join(", ")}`, async () => {
      const r = await keyward(args);
      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(/^Usage: keyward/);
      for (const m of mentions) expect(r.stdout).toContain(m);
      expect(r.stderr).toBe("");
    });
  }
});
