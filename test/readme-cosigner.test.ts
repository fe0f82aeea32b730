// The README's two-party MuSig2 walk-through, run as printed where a new user runs it: in the checkout (its
// examples/ and node_modules), while `npm start` (serve --dev on ./.keyward) runs; then `npm run lint` over what
// it wrote stays green (the files are git-ignored).
import { execFile, execFileSync, spawnSync } from "node:child_process";
import {
  copyFileSync,
  cpSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bundleEntry } from "./delegates-process.js";
import { type ServeProcess, spawnServe } from "./http-process.js";

interface Step {
  readonly command: string;
  readonly expected: string | undefined;
}

/** The `sh` block after `<!-- readme-cosigner: musig2 -->`, split into commands and expectations. */
function block(): Step[] {
  const readme = readFileSync("README.md", "utf8");
  const m = /<!-- readme-cosigner: musig2 -->\s*```sh\n([\s\S]*?)```/.exec(readme);
  if (!m) throw new Error("README has no cosigner walk-through");
  const steps: Step[] = [];
  for (const line of m[1]!.replace(/\\\n\s*/g, "").split("\n")) {
    if (line.startsWith("# → ")) {
      const last = steps.pop()!;
      steps.push({ command: last.command, expected: line.slice(4) });
    } else if (line.trim() && !line.startsWith("#")) steps.push({ command: line, expected: undefined });
  }
  return steps;
}

const matches = (actual: string, expected: string) =>
  new RegExp(
    `^${expected
      .split("…")
      .map((p) => p.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"))
      .join("[\\s\\S]*")}$`,
  ).test(actual);

/** Stands in for the checkout: examples/ copied, node_modules linked, the repo's lint settings next to it. */
const dir = mkdtempSync(join(tmpdir(), "keyward-readme-cosigner-"));
let bundle = "";
let devServer: ServeProcess | undefined;
beforeAll(async () => {
  bundle = await bundleEntry("src/cli/main.ts");
  cpSync("examples", join(dir, "examples"), { recursive: true });
  symlinkSync(resolve("node_modules"), join(dir, "node_modules"), "dir");
  devServer = await spawnServe(["--data", join(dir, ".keyward"), "serve", "--dev", "--port", "0"]);
}, 60_000);
afterAll(async () => {
  await devServer?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe("README MuSig2 walk-through", () => {
  const steps = block();
  it("runs as printed: keyward and a @scure/btc-signer peer cosign; the signatures verify; a nonce signs once", async () => {
    const lines = [
      `npx() { if [ "$1" = keyward ]; then shift; node ${JSON.stringify(bundle)} "$@"; else command npx "$@"; fi; }`,
    ];
    steps.forEach((s, i) => {
      lines.push(`{ ${s.command.replace(/\s+#.*$/, "")}\n} > out.${i} 2> err.${i}; echo $? > rc.${i}`);
    });
    const script = join(dir, "cosigner.sh");
    writeFileSync(script, lines.join("\n"));
    const env = {
      ...process.env,
      KEYWARD_DATA: undefined,
      KEYWARD_DB: undefined,
      KEYWARD_PASSPHRASE: undefined,
    };
    await promisify(execFile)("bash", [script], { cwd: dir, env, timeout: 180_000 });
    steps.forEach((s, i) => {
      const out = readFileSync(join(dir, `out.${i}`), "utf8").trim();
      const err = readFileSync(join(dir, `err.${i}`), "utf8").trim();
      const rc = Number(readFileSync(join(dir, `rc.${i}`), "utf8"));
      const where = `step ${i}: ${s.command}`;
      if (s.expected?.startsWith("error ")) {
        expect(rc, where).toBe(1);
        expect(matches(err.split("\n")[0]!, s.expected), `${where}\n${err}`).toBe(true);
      } else {
        expect(rc, `${where}\n${err}`).toBe(0);
        if (s.expected !== undefined) expect(matches(out, s.expected), `${where}\n${out}`).toBe(true);
      }
    });
    // The share never left the secret store: it is in no file the walk-through wrote.
    const session = JSON.parse(readFileSync(join(dir, "session.json"), "utf8")) as { share: unknown };
    expect(session.share).toEqual({ kind: "imported", name: "dkg-secret.alice" });
  }, 200_000);

  it("leaves the checkout lint-clean: `npm run lint` ignores every file the walk-through wrote", () => {
    for (const f of [".gitignore", "biome.json"]) copyFileSync(f, join(dir, f));
    for (const f of readdirSync(dir)) if (/^(out|err|rc)\.\d+$|\.sh$/.test(f)) rmSync(join(dir, f));
    rmSync(join(dir, "node_modules"));
    rmSync(join(dir, "examples"), { recursive: true });
    execFileSync("git", ["init", "-q"], { cwd: dir });
    const biome = join(process.cwd(), "node_modules/@biomejs/biome/bin/biome");
    const r = spawnSync(process.execPath, [biome, "check", "."], { cwd: dir, encoding: "utf8" });
    expect(r.status, `${r.stdout}\n${r.stderr}`).toBe(0);
  });
});
