// The dashboard's static files: `npm run build` bundles src/ui/ into dist/ui/ with esbuild; a server running
// from the sources (npm start, the tests) bundles them in memory instead, so it never serves a stale build.
import { createHash } from "node:crypto";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { KeywardError } from "../errors/keyward-error.js";

/** One file ready to send. */
export interface UiAsset {
  readonly body: Buffer;
  readonly type: string;
  /** Strong validator: a hash of the body. */
  readonly etag: string;
}

/** Every file of the dashboard by name (`index.html`, `app.js`, `app.css`). */
export type UiAssets = ReadonlyMap<string, UiAsset>;

const TYPES: Record<string, string> = {
  "index.html": "text/html; charset=utf-8",
  "app.js": "text/javascript; charset=utf-8",
  "app.css": "text/css; charset=utf-8",
};
/** The files the dashboard consists of. */
export const UI_FILES = Object.keys(TYPES);

const FROM_SOURCES = import.meta.url.endsWith(".ts");
const SRC_UI = fileURLToPath(new URL("../ui/", import.meta.url));
// Compiled, this module is dist/src/http/ui-assets.js; in the CLI bundle, a chunk of dist/cli/: both find the
// dist/ui/ the build wrote.
const DIST_UI = fileURLToPath(
  new URL(
    new URL(".", import.meta.url).pathname.endsWith("/dist/cli/") ? "../ui/" : "../../ui/",
    import.meta.url,
  ),
);

/**
 * Bundles src/ui/ (TypeScript → one ES module, minified; no source map) and copies the HTML and CSS; writes
 * them to `outdir` when given.
 * @throws Error when esbuild is not installed (it is a devDependency) or the sources do not compile.
 * @example await buildUi("dist/ui");
 */
export async function buildUi(outdir?: string): Promise<Map<string, Buffer>> {
  const esbuild = await import("esbuild");
  const result = await esbuild.build({
    entryPoints: [join(SRC_UI, "main.ts")],
    bundle: true,
    format: "esm",
    target: ["es2022"],
    platform: "browser",
    minify: true,
    legalComments: "none",
    charset: "utf8",
    write: false,
    outfile: "app.js",
    tsconfig: join(SRC_UI, "tsconfig.json"),
    logLevel: "silent",
  });
  const files = new Map<string, Buffer>([["app.js", Buffer.from(result.outputFiles[0]!.contents)]]);
  for (const name of ["index.html", "app.css"]) files.set(name, await readFile(join(SRC_UI, name)));
  if (outdir) {
    await mkdir(outdir, { recursive: true });
    for (const [name, body] of files) await writeFile(join(outdir, name), body);
  }
  return files;
}

async function readBuilt(): Promise<Map<string, Buffer>> {
  const files = new Map<string, Buffer>();
  for (const name of UI_FILES) {
    try {
      files.set(name, await readFile(join(DIST_UI, name)));
    } catch {
      throw new KeywardError("unavailable", "dashboard assets are missing: run `npm run build`");
    }
  }
  return files;
}

let loading: Promise<UiAssets> | undefined;

/**
 * The dashboard's files, loaded once per process (bundled from the sources, or read from dist/ui/).
 * @throws KeywardError `unavailable` when a compiled install has no dist/ui/.
 */
export function uiAssets(): Promise<UiAssets> {
  loading ??= (FROM_SOURCES ? buildUi() : readBuilt()).then(
    (files) =>
      new Map(
        [...files].map(([name, body]) => [
          name,
          {
            body,
            type: TYPES[name]!,
            etag: `"${createHash("sha256").update(body).digest("base64url").slice(0, 22)}"`,
          },
        ]),
      ),
  );
  // A failed load is retried on the next request (e.g. after `npm run build`).
  loading.catch(() => {
    loading = undefined;
  });
  return loading;
}
