#!/usr/bin/env node
// `keyward` bin: the bundled CLI from dist/cli/ (an installed package), or in a checkout the TypeScript sources
// through tsx whenever they are newer than the build (so an edit is never hidden by a stale dist/).
import { existsSync, readdirSync, statSync } from "node:fs";
import { fileURLToPath } from "node:url";

const built = fileURLToPath(new URL("../dist/cli/main.js", import.meta.url));
const sources = fileURLToPath(new URL("../src", import.meta.url));

/** Newest modification time of a directory tree (a few hundred stats in a checkout). */
function newest(dir) {
  let max = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = `${dir}/${e.name}`;
    max = Math.max(max, e.isDirectory() ? newest(p) : statSync(p).mtimeMs);
  }
  return max;
}

const useBuild = existsSync(built) && (!existsSync(sources) || newest(sources) <= statSync(built).mtimeMs);
if (useBuild) {
  await import(built);
} else {
  const { register } = await import("tsx/esm/api");
  register();
  await import(new URL("../src/cli/main.ts", import.meta.url).href);
}
