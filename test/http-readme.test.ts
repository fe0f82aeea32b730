// The README's HTTP examples, run as printed (only the port differs) against a real `serve --dev` process.
import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, describe, expect, it } from "vitest";
import { leakForms } from "./http-harness.js";
import { spawnServe } from "./http-process.js";

const MARKER = "<!-- readme-http-examples:";
const SEPARATOR = "@@README-STEP@@";

/** The commands of the README block and the expected output (`# → …`) after each, if any. */
function readmeSteps(): { script: string[]; expected: (string | undefined)[] } {
  const readme = readFileSync("README.md", "utf8");
  const start = readme.indexOf("```sh", readme.indexOf(MARKER));
  const body = readme.slice(start + 5, readme.indexOf("```", start + 5));
  const lines = body
    .replace(/\\\n\s*/g, "")
    .split("\n")
    .filter((l) => l.trim().length > 0);
  const script: string[] = [];
  const expected: (string | undefined)[] = [];
  for (const line of lines) {
    if (line.startsWith("# → ")) expected[expected.length - 1] = line.slice(4);
    else if (line.startsWith("curl ")) {
      script.push(`${line}; echo; echo ${SEPARATOR}`);
      expected.push(undefined);
    } else script.push(line);
  }
  return { script, expected };
}

const dir = mkdtempSync(join(tmpdir(), "keyward-readme-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("README HTTP examples", () => {
  it("run as printed against a dev server and print what the README says", async () => {
    const { script, expected } = readmeSteps();
    expect(expected.length).toBeGreaterThanOrEqual(10);
    const s = await spawnServe(["--data", join(dir, ".keyward"), "serve", "--dev", "--port", "0"]);
    try {
      const text = script.join("\n").replace("http://127.0.0.1:8787", s.url);
      const { stdout } = await promisify(execFile)("sh", ["-euc", text], { cwd: dir });
      const outputs = stdout.split(`${SEPARATOR}\n`).map((o) => o.trim());
      expect(outputs.slice(0, expected.length).every((o) => o.length > 0)).toBe(true);
      for (const [i, want] of expected.entries()) {
        expect(() => JSON.parse(outputs[i]!), `step ${i} prints JSON`).not.toThrow();
        if (want !== undefined) expect(outputs[i], `README step ${i}`).toBe(want);
      }
    } finally {
      expect(await s.stop()).toBe(0);
    }
    const logs = s.stdout.join("");
    for (const form of leakForms([s.adminToken!])) expect(logs).not.toContain(form);
    expect(logs).not.toContain("s3cr3t");
  });
});
