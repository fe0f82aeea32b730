// Prepares a freenet WebAssembly module for the sandbox: compiles it, refuses imports the host does not
// provide (naming them), requires the exports the ABI calls, and caps its linear memory by rewriting the
// memory section's maximum (the module's own memory is not otherwise bounded by the embedder).
import { KeywardError } from "../../errors/keyward-error.js";

/** Host functions by import module, as provided by this host (freenet-stdlib 0.8.5 names). */
export type ImportTable = Readonly<Record<string, readonly string[]>>;

/** What a delegate may import: secrets (all 0.8.5 secret functions) and the logger. */
export const DELEGATE_IMPORTS: ImportTable = {
  freenet_delegate_secrets: [
    "__frnt__delegate__get_secret",
    "__frnt__delegate__get_secret_len",
    "__frnt__delegate__set_secret",
    "__frnt__delegate__has_secret",
    "__frnt__delegate__remove_secret",
    "__frnt__delegate__list_secrets_len",
    "__frnt__delegate__list_secrets",
  ],
  freenet_log: ["__frnt__logger__info"],
};

/** What a contract may import: the streaming-buffer refill and the logger. */
export const CONTRACT_IMPORTS: ImportTable = {
  freenet_contract_io: ["__frnt__fill_buffer"],
  freenet_log: ["__frnt__logger__info"],
};

/** Exports every freenet module must have (BufferBuilder protocol). */
export const BUFFER_EXPORTS = ["memory", "__frnt__initiate_buffer", "__frnt_set_id"] as const;

/** Default cap on a module's linear memory: 1,024 pages of 64 KiB = 64 MiB. */
export const DEFAULT_MAX_MEMORY_PAGES = 1024;
/** Cap on a module's table size (elements), so a declared table cannot reserve unbounded memory. */
export const MAX_TABLE_ELEMENTS = 100_000;

/** Options of {@link prepareModule}. */
export interface PrepareOptions {
  /** Host functions the module may import; anything else is refused. */
  readonly imports: ImportTable;
  /** Exports the module must have (e.g. `process`), in addition to {@link BUFFER_EXPORTS}. */
  readonly requiredExports: readonly string[];
  /** Linear memory cap in 64 KiB pages (default {@link DEFAULT_MAX_MEMORY_PAGES}). */
  readonly maxMemoryPages?: number;
}

/** A compiled, checked module ready for {@link WasmSandbox}. */
export interface PreparedModule {
  readonly module: WebAssembly.Module;
  /** `module.name` of every import, in declaration order. */
  readonly imports: readonly string[];
  readonly exports: readonly string[];
  /** Declared initial pages and the enforced maximum. */
  readonly memory: { readonly initialPages: number; readonly maxPages: number };
}

const invalid = (message: string): KeywardError => new KeywardError("invalid_module", message);

function readLeb(b: Uint8Array, pos: number): [value: number, next: number] {
  let result = 0;
  let shift = 0;
  for (let i = 0; i < 5; i++) {
    if (pos >= b.length) throw invalid("module is truncated");
    const byte = b[pos++]!;
    result += (byte & 0x7f) * 2 ** shift;
    if ((byte & 0x80) === 0) return [result, pos];
    shift += 7;
  }
  throw invalid("module has an over-long LEB128 number");
}

function leb(value: number): number[] {
  const out: number[] = [];
  let v = value;
  do {
    let byte = v % 128;
    v = Math.floor(v / 128);
    if (v > 0) byte |= 0x80;
    out.push(byte);
  } while (v > 0);
  return out;
}

/** Parses a `limits` (flags, min, [max]) — refusing shared and 64-bit memories. */
function readLimits(b: Uint8Array, pos: number, what: string): { min: number; max?: number; next: number } {
  const flags = b[pos];
  if (flags !== 0 && flags !== 1)
    throw invalid(`module declares a shared or 64-bit ${what}, which this host refuses`);
  const [min, p1] = readLeb(b, pos + 1);
  if (flags === 0) return { min, next: p1 };
  const [max, p2] = readLeb(b, p1);
  return { min, max, next: p2 };
}

/**
 * Returns a copy of the binary whose memory section declares `maximum = min(declared, maxPages)`;
 * refuses a module whose initial memory already exceeds the cap, several memories or an oversized table.
 */
export function capMemory(
  code: Uint8Array,
  maxPages: number,
): { bytes: Uint8Array; initialPages: number; maxPages: number } {
  if (code.length < 8 || code[0] !== 0 || code[1] !== 0x61 || code[2] !== 0x73 || code[3] !== 0x6d)
    throw invalid("not a WebAssembly module (bad magic)");
  const parts: Uint8Array[] = [code.subarray(0, 8)];
  let pos = 8;
  let initialPages = 0;
  let cap = 0;
  while (pos < code.length) {
    const id = code[pos]!;
    const [size, body] = readLeb(code, pos + 1);
    const end = body + size;
    if (end > code.length) throw invalid("module section runs past the end");
    if (id === 4) {
      const [count, p] = readLeb(code, body);
      let q = p;
      for (let i = 0; i < count; i++) {
        const lim = readLimits(code, q + 1, "table");
        if (lim.min > MAX_TABLE_ELEMENTS)
          throw invalid(`module declares a table larger than ${MAX_TABLE_ELEMENTS} elements`);
        q = lim.next;
      }
    }
    if (id === 5) {
      const [count, p] = readLeb(code, body);
      if (count > 1) throw invalid("module declares more than one memory");
      if (count === 1) {
        const lim = readLimits(code, p, "memory");
        if (lim.min > maxPages)
          throw invalid(`module needs ${lim.min} memory pages at start; the limit is ${maxPages}`);
        initialPages = lim.min;
        cap = Math.min(lim.max ?? maxPages, maxPages);
        const content = Uint8Array.from([1, 1, ...leb(lim.min), ...leb(cap)]);
        parts.push(Uint8Array.from([5, ...leb(content.length)]), content);
        pos = end;
        continue;
      }
    }
    parts.push(code.subarray(pos, end));
    pos = end;
  }
  const bytes = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let off = 0;
  for (const p of parts) {
    bytes.set(p, off);
    off += p.length;
  }
  return { bytes, initialPages, maxPages: cap };
}

/**
 * Compiles and checks a freenet module (delegate or contract). The returned module has its memory capped;
 * hash the ORIGINAL bytes for the code hash, never the prepared ones.
 * @throws KeywardError `invalid_module` — not WebAssembly, an import this host does not provide (named),
 *   an imported memory/table/global, a missing export (named), or memory beyond the cap
 * @example
 * const prepared = await prepareModule(wasm, { imports: DELEGATE_IMPORTS, requiredExports: ["process"] });
 * const sandbox = new WasmSandbox(prepared, { profile: "delegate" });
 */
export async function prepareModule(code: Uint8Array, options: PrepareOptions): Promise<PreparedModule> {
  const limit = options.maxMemoryPages ?? DEFAULT_MAX_MEMORY_PAGES;
  const capped = capMemory(code, limit);
  let module: WebAssembly.Module;
  try {
    module = await WebAssembly.compile(capped.bytes);
  } catch (err) {
    throw invalid(`module does not compile: ${(err as Error).message.slice(0, 200)}`);
  }
  const imports = WebAssembly.Module.imports(module);
  for (const imp of imports) {
    const name = `${imp.module}.${imp.name}`;
    if (imp.kind !== "function")
      throw invalid(`module imports ${imp.kind} ${name}; this host provides only functions`);
    if (!options.imports[imp.module]?.includes(imp.name))
      throw invalid(`module imports ${name}, which this host does not provide`);
  }
  const exports = WebAssembly.Module.exports(module);
  const have = new Map(exports.map((e) => [e.name, e.kind]));
  for (const name of [...BUFFER_EXPORTS, ...options.requiredExports]) {
    const want = name === "memory" ? "memory" : "function";
    if (have.get(name) !== want) throw invalid(`module does not export ${want} ${name}`);
  }
  return {
    module,
    imports: imports.map((i) => `${i.module}.${i.name}`),
    exports: exports.map((e) => e.name),
    memory: { initialPages: capped.initialPages, maxPages: capped.maxPages },
  };
}
