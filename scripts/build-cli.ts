// `npm run build` step: bundles the CLI with esbuild into dist/cli/ (or the directory given), which bin/keyward.js runs.
import { readFileSync, rmSync, utimesSync } from "node:fs";
import { join } from "node:path";
import { build } from "esbuild";

/**
 * Pure-JavaScript dependencies of a cold start (`delegations check`, `validate`, `secret get`) go into the bundle;
 * every other dependency stays an import of node_modules: native addons (better-sqlite3, sodium-native), the
 * server stack (fastify, pino's worker transports) and the packages loaded lazily anyway (pg, hyparquet,
 * cli-progress).
 */
const BUNDLED = ["commander", "@noble/hashes", "@noble/ciphers", "@noble/curves", "shamir-secret-sharing"];

const root = join(import.meta.dirname, "..");
const outdir = process.argv[2] ?? join(root, "dist/cli");
const pkg = JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as {
  dependencies: Record<string, string>;
};
const external = Object.keys(pkg.dependencies)
  .filter((d) => !BUNDLED.includes(d))
  .flatMap((d) => [d, `${d}/*`]);

// One chunk per lazily imported command group (splitting): `check` loads only what it needs. The workers are
// entry points of their own, written next to the chunks, where `new URL("./…-worker.js", import.meta.url)` of
// the bundled rotation pool and WASM sandbox finds them.
rmSync(outdir, { recursive: true, force: true }); // chunk names carry hashes: no stale chunk stays behind
const result = await build({
  absWorkingDir: root,
  entryPoints: [
    { in: "src/cli/main.ts", out: "main" },
    { in: "src/rooms/rotation-worker.ts", out: "rotation-worker" },
    { in: "src/interop/freenet/sandbox-worker.ts", out: "sandbox-worker" },
  ],
  outdir,
  chunkNames: "[name]-[hash]",
  bundle: true,
  splitting: true,
  format: "esm",
  platform: "node",
  target: "node20",
  external,
  // The bundled CommonJS package (commander) calls require() for node: built-ins.
  banner: {
    js: 'import { createRequire as __keywardRequire } from "node:module"; const require = __keywardRequire(import.meta.url);',
  },
  legalComments: "none",
  logLevel: "warning",
  metafile: true,
});
// bin/keyward.js runs the bundle only when main.js is newer than every source: mark this build as that.
const now = new Date();
utimesSync(join(outdir, "main.js"), now, now);
const files = Object.keys(result.metafile.outputs);
const bytes = Object.values(result.metafile.outputs).reduce((n, o) => n + o.bytes, 0);
console.log(`cli: ${files.length} files, ${bytes} bytes in ${outdir}`);
