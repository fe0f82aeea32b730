// Runs README walkthroughs as printed: the `sh` blocks after `<!-- MARKER: NAME -->`, one shell per block with
// each step's output checked against its `# →` line, then `npm run lint` over the files they wrote.
import { execFile, execFileSync, spawnSync } from "node:child_process";
import {
  copyFileSync,
  lstatSync,
  readdirSync,
  readFileSync,
  rmSync,
  unlinkSync,
  writeFileSync,
} from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import { expect } from "vitest";

/** One command of a walkthrough and what it prints (`# → …`), if the README says. */
export interface Step {
  readonly command: string;
  readonly expected: string | undefined;
}

/** The `sh` block after each `<!-- MARKER: NAME -->` of the README, by NAME, split into steps. */
export function readmeBlocks(marker: string): Map<string, Step[]> {
  const readme = readFileSync("README.md", "utf8");
  const blocks = new Map<string, Step[]>();
  for (const m of readme.matchAll(
    new RegExp(`<!-- ${marker}: ([a-z0-9-]+) -->\\s*\`\`\`sh\\n([\\s\\S]*?)\`\`\``, "g"),
  )) {
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
export function matches(actual: string, expected: string): boolean {
  const pattern = expected
    .split("…")
    .map((p) => p.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"))
    .join("[\\s\\S]*");
  return new RegExp(`^${pattern}$`).test(actual);
}

/**
 * Runs `steps` in one bash shell in `dir` (`npx keyward` runs the CLI `bundle`; KEYWARD_DATA, _DB and
 * _PASSPHRASE unset, as for a new user) and checks each step: exit 1 and the first stderr line for an expected
 * `error …`, else exit 0 and stdout. `name` names the script and prefixes every failure message.
 */
export async function runWalkthrough(
  dir: string,
  bundle: string,
  name: string,
  steps: readonly Step[],
  timeoutMs: number,
): Promise<void> {
  // Each step's stdout, stderr and exit code are captured separately.
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
  await promisify(execFile)("bash", [script], { cwd: dir, env, timeout: timeoutMs });
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
}

/**
 * Checks that `npm run lint` (biome, with the repo's .gitignore and biome.json) passes in `dir` over what the
 * walkthroughs wrote, once the step captures and scripts and the paths in `standIns` (what only stands in for
 * the checkout) are removed.
 */
export function expectLintClean(dir: string, standIns: readonly string[] = []): void {
  for (const f of [".gitignore", "biome.json"]) copyFileSync(f, join(dir, f));
  for (const f of readdirSync(dir)) if (/^(out|err|rc)\.\d+$|\.sh$/.test(f)) rmSync(join(dir, f));
  for (const f of standIns) {
    // A linked stand-in (node_modules) loses only its link, never what it points to.
    const p = join(dir, f);
    if (lstatSync(p).isSymbolicLink()) unlinkSync(p);
    else rmSync(p, { recursive: true });
  }
  execFileSync("git", ["init", "-q"], { cwd: dir });
  const biome = join(process.cwd(), "node_modules/@biomejs/biome/bin/biome");
  const r = spawnSync(process.execPath, [biome, "check", "."], { cwd: dir, encoding: "utf8" });
  expect(r.status, `${r.stdout}\n${r.stderr}`).toBe(0);
}
