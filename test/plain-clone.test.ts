// A plain clone tests itself: nothing reads ../shared, and the vector suites pass from a copy of the project
// in a directory with no sibling `shared/` (the vendored test/vectors/ and test/fixtures/ are all they need).
import { execFileSync, spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";

const ROOT = join(import.meta.dirname, "..");
/** The files a clone has: tracked ones plus new ones git does not ignore (this working tree's state). */
const files = execFileSync("git", ["ls-files", "--cached", "--others", "--exclude-standard", "-z"], {
  cwd: ROOT,
  encoding: "utf8",
})
  .split("\0")
  .filter((f) => f.length > 0 && existsSync(join(ROOT, f)));
const scratch = mkdtempSync(join(tmpdir(), "keyward-clone-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe("a plain clone", () => {
  it("has no source, test or benchmark that reads ../shared", () => {
    const offenders = files.filter(
      (f) =>
        /^(src|test|bench)\/.*\.(ts|js|mjs|py)$/.test(f) &&
        f !== "test/plain-clone.test.ts" &&
        /\.\.\/shared|["']\.\.["'],\s*["']shared["']/.test(readFileSync(join(ROOT, f), "utf8")),
    );
    expect(offenders).toEqual([]);
  });

  it("vendors every vector and fixture byte-identical with a README naming its source", () => {
    for (const dir of ["test/vectors", "test/fixtures/river"]) {
      expect(files).toContain(`${dir}/README.md`);
      expect(files.filter((f) => f.startsWith(`${dir}/`)).length).toBeGreaterThan(2);
    }
    expect(readFileSync(join(ROOT, "test/fixtures/river/LICENSE"), "utf8")).toContain(
      "LESSER GENERAL PUBLIC",
    );
  });

  it("passes the vector suites in a copy with no ../shared beside it", () => {
    const clone = join(scratch, "keyward");
    for (const f of files) {
      mkdirSync(dirname(join(clone, f)), { recursive: true });
      cpSync(join(ROOT, f), join(clone, f));
    }
    symlinkSync(join(ROOT, "node_modules"), join(clone, "node_modules"), "dir");
    expect(existsSync(join(scratch, "shared"))).toBe(false);
    const suites = ["src/crypto", "src/kdf/room-secret.test.ts", "src/kdf/subkey.test.ts"];
    const r = spawnSync(process.execPath, ["node_modules/vitest/vitest.mjs", "run", ...suites], {
      cwd: clone,
      encoding: "utf8",
      env: { ...process.env, CI: "true", NO_COLOR: "1", FORCE_COLOR: "0" },
      timeout: 120_000,
    });
    expect(r.status, `${r.stdout}\n${r.stderr}`).toBe(0);
    expect(r.stdout).toMatch(/Test Files\s+\S*\d+ passed/);
    expect(r.stdout).not.toMatch(/skipped|failed/);
  }, 150_000);
});
