// The README's CLI walkthroughs, run as printed where a new user runs them: in order, in the checkout, while
// `npm start` (serve --dev on ./.keyward) is running; then `npm run lint` over what they wrote stays green.
import { copyFileSync, cpSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bundleEntry } from "./delegates-process.js";
import { type ServeProcess, spawnServe } from "./http-process.js";
import { expectLintClean, readmeBlocks, runWalkthrough } from "./readme-walkthrough.js";

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
  const blocks = readmeBlocks("readme-cli");

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
    // One shell per block; variables from earlier blocks are not needed.
    it(`${name}: runs as printed`, () => runWalkthrough(dir, bundle, name, steps, 120_000));
  }

  it("leaves the checkout lint-clean: `npm run lint` ignores every file the walkthroughs wrote", () => {
    expectLintClean(dir);
  });
});
