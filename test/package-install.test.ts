// The published package works on its own: `npm pack` → install the tarball in a temp prefix without dev
// dependencies → `keyward --version`, a CLI walkthrough and the README's library example run, with no tsx.
import { execFileSync, spawn, spawnSync } from "node:child_process";
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
  // The second step of `npm run build`: the dashboard bundle into dist/ui/.
  execFileSync(process.execPath, ["--import", "tsx", "scripts/build-ui.ts", join(stage, "dist/ui")], {
    cwd: ROOT,
    stdio: "ignore",
  });
  // The third: the CLI bundle (dist/cli/) that the installed bin runs.
  execFileSync(process.execPath, ["--import", "tsx", "scripts/build-cli.ts", join(stage, "dist/cli")], {
    cwd: ROOT,
    stdio: "ignore",
  });
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
    // The bin's CLI bundle, with the workers it starts next to its chunks.
    for (const f of ["main.js", "sandbox-worker.js", "rotation-worker.js"])
      expect(existsSync(join(installed, "dist/cli", f)), f).toBe(true);
    expect(existsSync(join(installed, "src"))).toBe(false);
    expect(readdirSync(join(installed, "dist/src/crypto")).some((f) => f.includes(".test."))).toBe(false);
    for (const dev of ["tsx", "typescript", "vitest", "esbuild"])
      expect(existsSync(join(prefix, "node_modules", dev)), dev).toBe(false);
  });

  it("ships the dashboard bundle, which the compiled server loads from dist/ui/", () => {
    const installed = join(prefix, "node_modules/keyward");
    const loader = join(installed, "dist/src/http/ui-assets.js");
    const script = `import(${JSON.stringify(loader)}).then(async (m) => {
      const assets = await m.uiAssets();
      console.log([...assets].map(([name, a]) => name + ":" + a.type + ":" + (a.body.length > 100)).join(" "));
    })`;
    const r = run(process.execPath, ["--input-type=module", "-e", script], prefix);
    expect(r.stderr).toBe("");
    expect(r.stdout.trim()).toBe(
      "index.html:text/html; charset=utf-8:true app.js:text/javascript; charset=utf-8:true app.css:text/css; charset=utf-8:true",
    );
  });

  it("runs `keyward --version` and a sealed-secret walkthrough from the installed bin", () => {
    const bin = join(prefix, "node_modules/.bin/keyward");
    expect(run(bin, ["--version"], prefix)).toMatchObject({ code: 0, stdout: `keyward ${pkg.version}\n` });
    expect(run(bin, ["init"], prefix).code).toBe(0);
    expect(run(bin, ["secret", "put", "k"], prefix, "v4lue").code).toBe(0);
    expect(run(bin, ["secret", "get", "k", "--reveal"], prefix)).toMatchObject({ code: 0, stdout: "v4lue" });
  });

  it("runs `delegations` import, snapshot, check and validate from the installed bin (the CLI bundle)", () => {
    const bin = join(prefix, "node_modules/.bin/keyward");
    const events = [
      { op: "grant", delegator: 1234, provider: "A", scopes: [1], at: 100 },
      { op: "revoke", delegator: 1234, provider: "A", scopes: [1], at: 400 },
    ];
    writeFileSync(join(prefix, "events.ndjson"), `${events.map((e) => JSON.stringify(e)).join("\n")}\n`);
    expect(run(bin, ["delegations", "import", "events.ndjson"], prefix).code).toBe(0);
    expect(run(bin, ["delegations", "snapshot"], prefix).code).toBe(0);
    const check = (at: string) =>
      run(
        bin,
        ["delegations", "check", "--delegator", "1234", "--provider", "A", "--scope", "1", "--at", at],
        prefix,
      );
    const inside = check("200");
    expect(inside.stderr).toBe("");
    expect(JSON.parse(inside.stdout)).toEqual({ authorized: true, interval: { from: 100, until: 400 } });
    expect(JSON.parse(check("400").stdout)).toEqual({ authorized: false, interval: null });
    writeFileSync(
      join(prefix, "rows.csv"),
      "delegator,provider,scope,at\n1234,A,1,150\n1234,A,1,450\n99,A,1,150\n",
    );
    const v = run(bin, ["delegations", "validate", "rows.csv", "--json"], prefix);
    expect(v.stderr).toBe("");
    expect(JSON.parse(v.stdout)).toEqual({ rows: 3, authorized: 1, unauthorized: 2, invalid: 0 });
  });

  it("serves the dashboard from the installed bin (the bundled server finds dist/ui/)", async () => {
    const bin = join(prefix, "node_modules/.bin/keyward");
    const proc = spawn(bin, ["serve", "--host", "127.0.0.1", "--port", "0"], { cwd: prefix, stdio: "pipe" });
    try {
      let err = "";
      const url = await new Promise<string>((resolve, reject) => {
        proc.stderr.on("data", (d) => {
          err += String(d);
          const m = /keyward listening on (\S+)/.exec(err);
          if (m) resolve(m[1]!);
        });
        proc.once("exit", (code) => reject(new Error(`serve exited ${code}: ${err}`)));
      });
      for (const [path, type] of [
        ["/ui", "text/html"],
        ["/ui/app.js", "text/javascript"],
      ] as const) {
        const res = await fetch(`${url}${path}`);
        expect(res.status, path).toBe(200);
        expect(res.headers.get("content-type")).toContain(type);
        expect((await res.text()).length).toBeGreaterThan(100);
      }
    } finally {
      proc.kill("SIGTERM");
    }
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
