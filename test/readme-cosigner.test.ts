// The README's two-party MuSig2 walk-through, run as printed where a new user runs it: in the checkout (its
// examples/ and node_modules), while `npm start` (serve --dev on ./.keyward) runs; then `npm run lint` over what
// it wrote stays green (the files are git-ignored).
import { cpSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bundleEntry } from "./delegates-process.js";
import { type ServeProcess, spawnServe } from "./http-process.js";
import { expectLintClean, readmeBlocks, runWalkthrough } from "./readme-walkthrough.js";

/** The `sh` block after `<!-- readme-cosigner: musig2 -->`, split into commands and expectations. */
function block() {
  const steps = readmeBlocks("readme-cosigner").get("musig2");
  if (!steps) throw new Error("README has no cosigner walk-through");
  return steps;
}

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
    await runWalkthrough(dir, bundle, "musig2", steps, 180_000);
    // The share never left the secret store: it is in no file the walk-through wrote.
    const session = JSON.parse(readFileSync(join(dir, "session.json"), "utf8")) as { share: unknown };
    expect(session.share).toEqual({ kind: "imported", name: "dkg-secret.alice" });
  }, 200_000);

  it("leaves the checkout lint-clean: `npm run lint` ignores every file the walk-through wrote", () => {
    expectLintClean(dir, ["node_modules", "examples"]);
  });
});
