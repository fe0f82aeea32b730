// The README's CLI walkthroughs, run as printed where a new user runs them: in order, in the checkout, while
// `npm start` (serve --dev on ./.keyward) is running; then `npm run lint` over what they wrote stays green.
import { execFile, execFileSync, spawnSync } from "node:child_process";
import {
  copyFileSync,
  cpSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bundleEntry } from "./delegates-process.js";
import { type ServeProcess, spawnServe } from "./http-process.js";

interface Step {
  readonly command: string;
  readonly expected: string | undefined;
}

/** The `sh` block after each `<!-- readme-cli: NAME -->` marker, split into commands and expectations. */
function readmeBlocks(): Map<string, Step[]> {
  const readme = readFileSync("README.md", "utf8");
  const blocks = new Map<string, Step[]>();
  for (const m of readme.matchAll(/<!-- readme-cli: ([a-z-]+) -->\s*```sh\n([\s\S]*?)```/g)) {
    const steps: Step[] = [];
    for (const line of m[2]!.replace(/\\\n\s*/g, "").split("\n")) {
      if (line.startsWith("# → ")) {
        const last = steps.pop()!;
        steps.push({ command: last.command, expected: line.slice(4) });
      } else if (line.trim() && !line.startsWith("#")) steps.push({ command: line, expected: undefined });
    }
    blocks.set(m[1]!, steps);
  }
  return blocks;
}

/** `…` in an expectation matches any text. */
function matches(actual: string, expected: string): boolean {
  const pattern = expected
    .split("…")
    .map((p) => p.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"))
    .join("[\\s\\S]*");
  return new RegExp(`^${pattern}$`).test(actual);
}

/** Stands in for the checkout: the README's files are written here, next to the repo's lint settings. */
const dir = mkdtempSync(join(tmpdir(), "keyward-readme-cli-"));
let bundle = "";
let devServer: ServeProcess | undefined;
beforeAll(async () => {
  bundle = await bundleEntry("src/cli/main.ts");
  // The fixtures the walkthroughs copy (a DSNP batch, a Frequency dump), as in the checkout.
  for (const f of ["dsnp/parquetjs/broadcast.parquet", "frequency/seed-003-dump.ndjson"])
    cpSync(join("test/fixtures", f), join(dir, "test/fixtures", f), { recursive: true });
  // The WASM sandbox starts its worker from `./sandbox-worker.js` next to the running module (as in dist/).
  const { build } = await import("esbuild");
  await build({
    entryPoints: ["src/interop/freenet/sandbox-worker.ts"],
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20",
    packages: "external",
    outfile: join(dirname(bundle), "sandbox-worker.js"),
    logLevel: "silent",
  });
  // The River walkthroughs name the checkout's fixture builds by their paths in the repository.
  mkdirSync(join(dir, "test/fixtures/river"), { recursive: true });
  for (const f of ["chat_delegate_V28.wasm", "chat_delegate_current.wasm", "room_contract_current.wasm"])
    copyFileSync(join("test/fixtures/river", f), join(dir, "test/fixtures/river", f));
  // `npm start`: dev mode on the checkout's ./.keyward, running while the walkthroughs use the same store.
  devServer = await spawnServe(["--data", join(dir, ".keyward"), "serve", "--dev", "--port", "0"]);
}, 60_000);
afterAll(async () => {
  await devServer?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe("README CLI walkthroughs", () => {
  const blocks = readmeBlocks();

  it("has every walkthrough", () => {
    expect([...blocks.keys()]).toEqual([
      "derive",
      "secrets",
      "unseal-shares",
      "custody",
      "delegations",
      "frequency",
      "delegates",
      "river-delegate",
      "rooms",
      "river-rooms",
      "backup-restore",
    ]);
  });

  for (const [name, steps] of blocks) {
    it(`${name}: runs as printed`, async () => {
      // One shell per block; variables from earlier blocks are not needed. Each step's stdout, stderr and
      // exit code are captured separately; `npx keyward` runs the bundled CLI of this checkout.
      const lines = [
        `npx() { if [ "$1" = keyward ]; then shift; node ${JSON.stringify(bundle)} "$@"; else command npx "$@"; fi; }`,
      ];
      steps.forEach((s, i) => {
        lines.push(`{ ${s.command.replace(/\s+#.*$/, "")}\n} > out.${i} 2> err.${i}; echo $? > rc.${i}`);
      });
      const script = join(dir, `${name}.sh`);
      writeFileSync(script, lines.join("\n"));
      const env = {
        ...process.env,
        KEYWARD_DATA: undefined,
        KEYWARD_DB: undefined,
        KEYWARD_PASSPHRASE: undefined,
      };
      await promisify(execFile)("bash", [script], { cwd: dir, env, timeout: 120_000 });
      steps.forEach((s, i) => {
        const out = readFileSync(join(dir, `out.${i}`), "utf8").trim();
        const err = readFileSync(join(dir, `err.${i}`), "utf8").trim();
        const rc = Number(readFileSync(join(dir, `rc.${i}`), "utf8"));
        const where = `${name} step ${i}: ${s.command}`;
        if (s.expected?.startsWith("error ")) {
          expect(rc, where).toBe(1);
          expect(matches(err.split("\n")[0]!, s.expected), `${where}\n${err}`).toBe(true);
        } else {
          expect(rc, `${where}\n${err}`).toBe(0);
          if (s.expected !== undefined) expect(matches(out, s.expected), `${where}\n${out}`).toBe(true);
        }
      });
    });
  }

  it("leaves the checkout lint-clean: `npm run lint` ignores every file the walkthroughs wrote", () => {
    for (const f of [".gitignore", "biome.json"]) copyFileSync(f, join(dir, f));
    for (const f of readdirSync(dir)) if (/^(out|err|rc)\.\d+$|\.sh$/.test(f)) rmSync(join(dir, f));
    execFileSync("git", ["init", "-q"], { cwd: dir });
    const biome = join(process.cwd(), "node_modules/@biomejs/biome/bin/biome");
    const r = spawnSync(process.execPath, [biome, "check", "."], { cwd: dir, encoding: "utf8" });
    expect(r.status, `${r.stdout}\n${r.stderr}`).toBe(0);
  });
});
