// What a new user meets first, driven through the real CLI: usage errors, help, version, read commands that
// create nothing, offline verify, clear refusals, internal errors with an id, progress bars that finish.
import { spawn } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { VERSION } from "../src/cli/version.js";
import { bundleEntry } from "./delegates-process.js";
import { cleanEnv } from "./http-process.js";

const scratch = mkdtempSync(join(tmpdir(), "keyward-newcomer-"));
let bundle = "";
beforeAll(async () => {
  bundle = await bundleEntry("src/cli/main.ts");
}, 60_000);
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

interface Run {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs the CLI in `cwd` (default: the scratch dir) with a clean environment. */
function kw(
  args: string[],
  opts: { cwd?: string; input?: string; env?: Record<string, string> } = {},
): Promise<Run> {
  return new Promise((resolve) => {
    const proc = spawn(process.execPath, [bundle, ...args], {
      cwd: opts.cwd ?? scratch,
      env: cleanEnv(opts.env),
      stdio: "pipe",
    });
    let stdout = "";
    let stderr = "";
    proc.stdout.on("data", (d) => {
      stdout += String(d);
    });
    proc.stderr.on("data", (d) => {
      stderr += String(d);
    });
    proc.on("exit", (code) => resolve({ code, stdout, stderr }));
    proc.stdin.end(opts.input ?? "");
  });
}

function freshDir(name: string): string {
  const d = join(scratch, name);
  mkdirSync(d);
  return d;
}

/** A usage error: exit 2, the message line, then one hint line, never the whole help. */
function expectUsage(r: Run, first: RegExp, hint: string): void {
  expect(r.code).toBe(2);
  const lines = r.stderr.trim().split("\n");
  expect(lines).toHaveLength(2);
  expect(lines[0]).toMatch(first);
  expect(lines[1]).toBe(`hint: run \`${hint} --help\` for usage`);
}

describe.concurrent("usage, help and version", () => {
  it("bare `keyward` prints one line and a hint (exit 2), not the help", async () => {
    expectUsage(await kw([]), /^error: missing command \(one of: derive, init, .*serve\)$/, "keyward");
  });

  it("`keyward --version` (and -V, --json) prints the package version", async () => {
    expect(await kw(["--version"])).toEqual({ code: 0, stdout: `keyward ${VERSION}\n`, stderr: "" });
    expect((await kw(["-V"])).stdout).toBe(`keyward ${VERSION}\n`);
    expect(JSON.parse((await kw(["--json", "--version"])).stdout)).toEqual({ version: VERSION });
  });

  it("`keyward help delegations check` is that command's help: required options marked, global flags listed", async () => {
    const r = await kw(["help", "delegations", "check"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^Usage: keyward delegations check \[options\]/);
    expect(r.stdout).toMatch(/--delegator <id>\s+\(required\) delegator id/);
    expect(r.stdout).toMatch(/--compact\s+also show/);
    expect(r.stdout).toMatch(/Global Options:[\s\S]*--data <dir>[\s\S]*--json/);
    expect((await kw(["delegations", "check", "--help"])).stdout).toBe(r.stdout);
    expect((await kw(["--help"])).stdout).toMatch(/-V, --version\s+print the keyward version/);
  });

  it("a group without its subcommand names the choices", async () => {
    expectUsage(
      await kw(["delegations"]),
      /^error: missing command after 'keyward delegations' \(one of: grant, revoke, import, check,/,
      "keyward delegations",
    );
  });

  it("a mistyped flag is named as unknown before any required option is asked for", async () => {
    expectUsage(
      await kw(["delegate", "status", "--key", "X"]),
      /^error: unknown option '--key'$/,
      "keyward delegate status",
    );
    expectUsage(
      await kw(["delegations", "check", "--delegatr", "1"]),
      /^error: unknown option '--delegatr' \(did you mean --delegator\?\)$/,
      "keyward delegations check",
    );
    expectUsage(
      await kw(["delegations", "check", "--delegator", "1"]),
      /^error: required option '--provider <id>' not specified$/,
      "keyward delegations check",
    );
  });

  it("--json usage errors also print the JSON error body", async () => {
    const r = await kw(["--json", "delegate", "status", "--key", "X"]);
    expect(r.code).toBe(2);
    expect(JSON.parse(r.stdout)).toEqual({
      error: { code: "invalid_input", message: "unknown option '--key'" },
    });
  });
});

describe("read commands create nothing", () => {
  it("a mistyped --data is refused naming where it looked, and is not created", async () => {
    const r = await kw(["--data", "./kw-typo", "secret", "list"]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^error not_initialized: no keyward store at .*kw-typo: check --data/);
    expect(existsSync(join(scratch, "kw-typo"))).toBe(false);
    expect(
      (
        await kw([
          "--data",
          "./kw-typo",
          "delegations",
          "check",
          "--delegator",
          "1",
          "--provider",
          "A",
          "--scope",
          "1",
          "--at",
          "1",
        ])
      ).code,
    ).toBe(1);
    expect(existsSync(join(scratch, "kw-typo"))).toBe(false);
  });

  it("delegations verify works offline from the proof file's key, with no data dir and nothing created", async () => {
    const home = freshDir("prover");
    expect((await kw(["init"], { cwd: home })).code).toBe(0);
    const grant = [
      "delegations",
      "grant",
      "--delegator",
      "7",
      "--provider",
      "P",
      "--scope",
      "1",
      "--at",
      "10",
    ];
    expect((await kw(grant, { cwd: home })).code).toBe(0);
    expect((await kw(["delegations", "checkpoint"], { cwd: home })).code).toBe(0);
    const proof = await kw(["delegations", "prove", "--delegator", "7", "--provider", "P", "--scope", "1"], {
      cwd: home,
    });
    const elsewhere = freshDir("verifier");
    writeFileSync(join(elsewhere, "proof.json"), proof.stdout);
    const r = await kw(["delegations", "verify", "--proof", "proof.json", "--at", "15"], { cwd: elsewhere });
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({
      valid: true,
      authorized: true,
      interval: { from: 10, until: null },
    });
    expect(r.stderr).toMatch(/^note: no store here; trusting the checkpoint key in the proof file/);
    expect(existsSync(join(elsewhere, ".keyward"))).toBe(false);
  });
});

describe("clear refusals and progress", () => {
  const home = join(scratch, "flows");
  beforeAll(async () => {
    mkdirSync(home);
    expect((await kw(["init"], { cwd: home })).code).toBe(0);
  });

  it("room decrypt of a version that does not exist is not_found, not 'not a member'", async () => {
    const owner = (await kw(["app", "keygen", "--out", "owner.seed"], { cwd: home })).stdout.trim();
    const alice = (await kw(["app", "keygen", "--out", "alice.seed"], { cwd: home })).stdout.trim();
    expect(owner).toMatch(/^[0-9a-f]{64}$/);
    expect(
      (await kw(["room", "create", "--name", "r", "--owner-seed-file", "owner.seed"], { cwd: home })).code,
    ).toBe(0);
    expect((await kw(["room", "add", "--room", "r", "--member", alice], { cwd: home })).code).toBe(0);
    const r = await kw(
      ["room", "decrypt", "--room", "r", "--version", "9", "--member-seed-file", "alice.seed"],
      { cwd: home },
    );
    expect(r.code).toBe(1);
    expect(r.stderr.trim()).toBe("error not_found: this room has no version 9 (versions 0 … 0)");
  });

  it("a migration token for an older target is refused when asked for", async () => {
    const app = (await kw(["app", "keygen", "--out", "app.key"], { cwd: home })).stdout.trim();
    expect((await kw(["app", "register", "--name", "chat", "--public-key", app], { cwd: home })).code).toBe(
      0,
    );
    const keys: string[] = [];
    for (const v of [1, 2]) {
      writeFileSync(join(home, `c${v}.wasm`), `code v${v}`);
      const cert = [
        "delegate",
        "certify",
        "--app-key",
        "app.key",
        "--code",
        `c${v}.wasm`,
        "--version",
        String(v),
      ];
      keys.push((await kw([...cert, "--out", `v${v}.cert`], { cwd: home })).stdout.trim());
      expect((await kw(["delegate", "register", "--cert", `v${v}.cert`], { cwd: home })).code).toBe(0);
    }
    const r = await kw(["delegate", "token", "--from", keys[1]!, "--to", keys[0]!], { cwd: home });
    expect(r.code).toBe(1);
    expect(r.stdout).toBe("");
    expect(r.stderr).toMatch(/^error rollback: target version 1 is not newer than source version 2/);
  });

  it("re-importing a finished file with --progress ends at 100%; msk rotate --progress shows its bar", async () => {
    const events = `${JSON.stringify({ op: "grant", delegator: 1, provider: "A", scopes: [1], at: 5 })}\n`;
    writeFileSync(join(home, "events.ndjson"), events);
    expect(
      (await kw(["delegations", "import", "events.ndjson", "--progress"], { cwd: home })).stderr,
    ).toContain("100%");
    const again = await kw(["delegations", "import", "events.ndjson", "--progress"], { cwd: home });
    expect(again.code).toBe(0);
    expect(again.stderr).toContain("100%");
    expect(again.stderr).not.toMatch(/\b33%/);
    expect((await kw(["partition", "create", "p"], { cwd: home })).code).toBe(0);
    expect(
      (await kw(["identity", "key", "--partition", "p", "--identity", "email:a@b.c"], { cwd: home })).code,
    ).toBe(0);
    const rotate = await kw(["msk", "rotate", "--partition", "p", "--progress"], { cwd: home });
    expect(rotate.code, rotate.stderr).toBe(0);
    expect(rotate.stderr).toMatch(/moving identities .*100% \| 1\/1 identities/);
  });

  it("JSON times are RFC 3339 strings", async () => {
    const list = JSON.parse((await kw(["--json", "partition", "list"], { cwd: home })).stdout);
    expect(list.partitions[0].createdAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    const history = JSON.parse(
      (
        await kw(["--json", "identity", "history", "--partition", "p", "--identity", "email:a@b.c"], {
          cwd: home,
        })
      ).stdout,
    );
    expect(history.events[0].time).toMatch(/^\d{4}-\d\d-\d\dT/);
  });
});

describe("a broken environment or data", () => {
  it("a database file overwritten by something else: one line naming the file and the cause", async () => {
    const home = freshDir("overwritten");
    expect((await kw(["init"], { cwd: home })).code).toBe(0);
    for (const f of ["keyward.db-wal", "keyward.db-shm"]) rmSync(join(home, ".keyward", f), { force: true });
    const file = join(home, ".keyward", "keyward.db");
    writeFileSync(file, Buffer.alloc(8192, 0x5a));
    const r = await kw(["secret", "list"], { cwd: home });
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(
      `error unavailable: cannot open the SQLite database ${file}: the file is not a database or is corrupt\n`,
    );
  });

  it("an unexpected failure prints an error id and a hint; the cause goes to <data>/errors.log (and to stderr with KEYWARD_DEBUG=1)", async () => {
    const home = freshDir("broken");
    expect((await kw(["init"], { cwd: home })).code).toBe(0);
    expect((await kw(["token", "create", "--scope", "admin"], { cwd: home })).code).toBe(0);
    // A token record overwritten with bytes keyward never wrote: not a refusal keyward knows, so internal.
    const db = new Database(join(home, ".keyward", "keyward.db"));
    db.prepare("UPDATE kw_state SET value = x'00ff' WHERE tbl = 'service.token'").run();
    db.close();
    const r = await kw(["token", "list"], { cwd: home });
    expect(r.code).toBe(1);
    const [first, hint, ...rest] = r.stderr.trim().split("\n");
    const id = /^error internal: internal error \(error id (err_[0-9a-f]{12})\)$/.exec(first!)?.[1];
    expect(id, r.stderr).toBeDefined();
    expect(hint).toMatch(
      /^hint: .*the cause is in .*errors\.log; run again with KEYWARD_DEBUG=1 to print it$/,
    );
    expect(rest).toEqual([]);
    const log = readFileSync(join(home, ".keyward", "errors.log"), "utf8")
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l));
    expect(log.at(-1)).toMatchObject({ errorId: id, command: "keyward token list" });
    const debug = await kw(["token", "list"], { cwd: home, env: { KEYWARD_DEBUG: "1" } });
    expect(debug.stderr).toContain(log.at(-1).cause.message);
  });
});
