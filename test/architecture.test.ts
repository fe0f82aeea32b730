// Architecture rules from DESIGN.md, checked on the source tree: imports point down, domains never import
// each other, no import cycles, named exports only, explicit .js suffixes, small files.
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, normalize, relative } from "node:path";
import { describe, expect, it } from "vitest";

const ROOT = join(import.meta.dirname, "..");
const SRC = join(ROOT, "src");
// Lower number = lower layer. Domains share a layer and must not import each other.
const LAYER: Record<string, number> = {
  errors: 0,
  crypto: 1,
  kdf: 2,
  store: 3,
  interop: 3, // other systems' formats and runtimes, pure: never the store (DESIGN.md)
  audit: 4,
  custody: 4,
  delegations: 4,
  delegates: 4,
  rooms: 4,
  service: 5,
  http: 6,
  cli: 7, // the CLI may start the HTTP surface (`keyward serve`)
};
const MAX_LINES = 360;

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = join(dir, e.name);
    if (e.isDirectory()) return sourceFiles(p);
    return e.name.endsWith(".ts") && !e.name.endsWith(".test.ts") ? [p] : [];
  });
}

function relativeImports(file: string): string[] {
  const text = readFileSync(file, "utf8");
  const out: string[] = [];
  for (const m of text.matchAll(/(?:from|import)\s*\(?\s*"(\.{1,2}\/[^"]+)"/g)) out.push(m[1]!);
  return out;
}

function domainOf(file: string): string {
  return relative(SRC, file).split("/")[0]!;
}

const files = sourceFiles(SRC);

describe("architecture", () => {
  it("ranks every folder of src/ (a new domain cannot slip past the layer rules; ui/ is checked apart)", () => {
    const folders = readdirSync(SRC, { withFileTypes: true }).filter((e) => e.isDirectory());
    expect(folders.map((e) => e.name).filter((name) => !(name in LAYER) && name !== "ui")).toEqual([]);
  });

  it("imports point down only and domains never import each other", () => {
    const bad: string[] = [];
    for (const f of files) {
      const from = domainOf(f);
      if (!(from in LAYER)) continue;
      for (const spec of relativeImports(f)) {
        const target = normalize(join(dirname(f), spec));
        if (!target.startsWith(SRC)) {
          bad.push(`${relative(ROOT, f)} imports outside src: ${spec}`);
          continue;
        }
        const to = domainOf(target);
        if (to === from || !(to in LAYER)) continue;
        if (LAYER[to]! >= LAYER[from]!) bad.push(`${relative(ROOT, f)} (${from}) → ${spec} (${to})`);
      }
    }
    expect(bad).toEqual([]);
  });

  it("lets the surfaces (cli, http) import only service/ and errors/ below them, and cli import http only to serve", () => {
    const bad: string[] = [];
    for (const f of files) {
      const from = domainOf(f);
      if (from !== "cli" && from !== "http") continue;
      const rel = relative(SRC, f);
      for (const spec of relativeImports(f)) {
        const to = domainOf(normalize(join(dirname(f), spec)));
        if (to === from || to === "service" || to === "errors") continue;
        if (from === "cli" && to === "http" && /^cli\/commands\/serve(-[a-z-]+)?\.ts$/.test(rel)) continue;
        bad.push(`${rel} (${from}) → ${spec} (${to})`);
      }
    }
    expect(bad).toEqual([]);
  });

  it("keeps the dashboard (src/ui, a browser bundle) apart: it imports only itself, nothing imports it", () => {
    const bad: string[] = [];
    for (const f of files) {
      const inUi = domainOf(f) === "ui";
      for (const spec of relativeImports(f)) {
        const target = normalize(join(dirname(f), spec));
        if (inUi !== (target.startsWith(SRC) && domainOf(target) === "ui"))
          bad.push(`${relative(ROOT, f)} → ${spec}`);
      }
    }
    expect(bad).toEqual([]);
  });

  it("has no import cycles", () => {
    const graph = new Map<string, string[]>();
    for (const f of files) {
      graph.set(
        f,
        relativeImports(f).map((s) => normalize(join(dirname(f), s)).replace(/\.js$/, ".ts")),
      );
    }
    const state = new Map<string, 1 | 2>();
    const cycles: string[] = [];
    const visit = (n: string, stack: string[]): void => {
      if (state.get(n) === 2) return;
      if (state.get(n) === 1) {
        cycles.push([...stack.slice(stack.indexOf(n)), n].map((p) => relative(SRC, p)).join(" → "));
        return;
      }
      state.set(n, 1);
      for (const m of graph.get(n) ?? []) if (graph.has(m)) visit(m, [...stack, n]);
      state.set(n, 2);
    };
    for (const f of files) visit(f, []);
    expect(cycles).toEqual([]);
  });

  it("uses named exports, explicit .js suffixes, kebab-case names and small files", () => {
    const bad: string[] = [];
    for (const f of files) {
      const text = readFileSync(f, "utf8");
      const rel = relative(ROOT, f);
      if (/^export default/m.test(text)) bad.push(`${rel}: default export`);
      for (const spec of relativeImports(f))
        if (!spec.endsWith(".js")) bad.push(`${rel}: import without .js: ${spec}`);
      const name = f.split("/").pop()!;
      if (!/^[a-z0-9]+(?:-[a-z0-9]+)*(?:\.[a-z0-9]+)*\.ts$/.test(name)) bad.push(`${rel}: not kebab-case`);
      const lines = text.split("\n").length;
      if (lines > MAX_LINES) bad.push(`${rel}: ${lines} lines`);
      if (!/^(#!.*\n)?\/\/ \S/.test(text)) bad.push(`${rel}: missing one-line header comment`);
    }
    expect(bad).toEqual([]);
  });
});
