// Runs a freenet-stdlib 0.8.5 contract module's exports (validate_state, update_state, …) on in-memory inputs.
import { assertBytes } from "../../crypto/assert.js";
import { KeywardError } from "../../errors/keyward-error.js";
import {
  type ContractErrorValue,
  type ContractUpdate,
  type ContractValidateResult,
  decodeBytesResult,
  decodeUpdateResult,
  decodeValidateResult,
  EMPTY_RELATED_CONTRACTS,
  encodeUpdates,
} from "./contract-abi.js";

/** Exports a contract module must have (freenet-stdlib `#[contract]` macro). */
export const CONTRACT_EXPORTS = [
  "memory",
  "validate_state",
  "update_state",
  "summarize_state",
  "get_state_delta",
  "__frnt__initiate_buffer",
] as const;

/** Imports a contract module may have: only the streaming refill of its input buffers. */
const ALLOWED_IMPORTS = new Set(["freenet_contract_io.__frnt__fill_buffer"]);

/** Result kinds of `ContractInterfaceResult` (wasm_interface.rs `ResultKind`). */
const KIND = { validate: 0, update: 2, summarize: 3, delta: 4 } as const;

/** Default memory budget of one call: River's room contract needs a few MiB. */
export const DEFAULT_CONTRACT_MEMORY_BYTES = 256 * 1024 * 1024;

/** A contract's answer: its value, or the `ContractError` it returned (a refusal, not a failure). */
export type ContractAnswer<T> = { ok: true; value: T } | { ok: false; error: ContractErrorValue };

/** Options of a contract runner. */
export interface ContractRunnerOptions {
  /** Upper bound of the module's linear memory after a call; beyond it the call fails. */
  readonly maxMemoryBytes?: number;
}

// The WebAssembly JS API, typed locally (the project's `lib` has no DOM types; the host of the delegate
// runtime brings its own declarations, and two global declarations would clash).
interface WasmMemory {
  readonly buffer: ArrayBuffer;
}
interface WasmModule {
  readonly __brand?: "WasmModule";
}
interface WasmApi {
  Module: {
    new (code: Uint8Array): WasmModule;
    exports(m: WasmModule): { name: string }[];
    imports(m: WasmModule): { module: string; name: string }[];
  };
  Instance: new (m: WasmModule, imports: Record<string, Record<string, unknown>>) => { exports: unknown };
}
const wasm = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;

type Exports = {
  memory: WasmMemory;
  __frnt__initiate_buffer(capacity: number): bigint;
  __frnt_set_id?(id: bigint): void;
} & Record<string, (...args: bigint[]) => bigint>;

/**
 * A compiled contract module. Every call runs in a fresh instance (fresh memory), so a failed or refused
 * call leaves nothing behind and calls never see each other's state.
 * @example
 * const runner = ContractRunner.compile(readFileSync("room_contract.wasm"));
 * runner.validateState(parameters, state); // { ok: true, value: { kind: "Valid" } }
 */
export class ContractRunner {
  readonly #module: WasmModule;
  readonly #maxMemory: number;

  private constructor(module: WasmModule, opts: ContractRunnerOptions) {
    this.#module = module;
    this.#maxMemory = opts.maxMemoryBytes ?? DEFAULT_CONTRACT_MEMORY_BYTES;
  }

  /**
   * Compiles and checks a module: it must export the contract interface and import nothing but
   * `freenet_contract_io.__frnt__fill_buffer`.
   * @throws KeywardError `invalid_input` when the bytes are not such a module.
   */
  static compile(code: Uint8Array, opts: ContractRunnerOptions = {}): ContractRunner {
    assertBytes(code, undefined, "contract");
    let module: WasmModule;
    try {
      module = new wasm.Module(code);
    } catch {
      throw new KeywardError("invalid_input", "contract is not a WebAssembly module");
    }
    const exports = new Set(wasm.Module.exports(module).map((e) => e.name));
    for (const name of CONTRACT_EXPORTS)
      if (!exports.has(name)) throw new KeywardError("invalid_input", `contract does not export ${name}`);
    for (const imp of wasm.Module.imports(module))
      if (!ALLOWED_IMPORTS.has(`${imp.module}.${imp.name}`))
        throw new KeywardError("invalid_input", "contract imports a function this host does not provide");
    return new ContractRunner(module, opts);
  }

  /** `validate_state(parameters, state, related = {})`. */
  validateState(parameters: Uint8Array, state: Uint8Array): ContractAnswer<ContractValidateResult> {
    assertBytes(parameters, undefined, "parameters");
    assertBytes(state, undefined, "state");
    const out = decodeValidateResult(
      this.#call("validate_state", KIND.validate, [parameters, state, EMPTY_RELATED_CONTRACTS]),
    );
    return out.ok ? { ok: true, value: out.value } : out;
  }

  /** `update_state(parameters, state, updates)`: the new state bytes (null when the contract gives none). */
  updateState(
    parameters: Uint8Array,
    state: Uint8Array,
    updates: readonly ContractUpdate[],
  ): ContractAnswer<Uint8Array | null> {
    assertBytes(parameters, undefined, "parameters");
    assertBytes(state, undefined, "state");
    const out = decodeUpdateResult(
      this.#call("update_state", KIND.update, [parameters, state, encodeUpdates(updates)]),
    );
    return out.ok ? { ok: true, value: out.newState } : out;
  }

  /** `summarize_state(parameters, state)`. */
  summarizeState(parameters: Uint8Array, state: Uint8Array): ContractAnswer<Uint8Array> {
    const out = decodeBytesResult(this.#call("summarize_state", KIND.summarize, [parameters, state]));
    return out.ok ? { ok: true, value: out.bytes } : out;
  }

  /** `get_state_delta(parameters, state, summary)`. */
  getStateDelta(parameters: Uint8Array, state: Uint8Array, summary: Uint8Array): ContractAnswer<Uint8Array> {
    const out = decodeBytesResult(this.#call("get_state_delta", KIND.delta, [parameters, state, summary]));
    return out.ok ? { ok: true, value: out.bytes } : out;
  }

  #call(name: string, kind: number, inputs: readonly Uint8Array[]): Uint8Array {
    // The inputs are written whole, so the guest never needs a refill: EOF is the honest answer.
    const instance = new wasm.Instance(this.#module, {
      freenet_contract_io: { __frnt__fill_buffer: () => 0 },
    });
    const ex = instance.exports as unknown as Exports;
    try {
      ex.__frnt_set_id?.(1n);
      const ptrs = inputs.map((bytes) => writeStreamingBuffer(ex, bytes));
      const fn = ex[name]!;
      const resultPtr = fn(...ptrs);
      return readResult(ex, resultPtr, kind, this.#maxMemory);
    } catch (err) {
      if (err instanceof KeywardError) throw err;
      // A trap (panic, out-of-bounds, unreachable) or a failed allocation: the module failed, not the input.
      throw new KeywardError("contract_failed", `contract ${name} trapped`);
    }
  }
}

function view(ex: Exports): DataView {
  return new DataView(ex.memory.buffer);
}

/** A BufferBuilder (`start: i64, capacity: u32, last_read: i64, last_write: i64`) filled with `[len u32 LE][bytes]`. */
function writeStreamingBuffer(ex: Exports, bytes: Uint8Array): bigint {
  const builder = ex.__frnt__initiate_buffer(bytes.length + 4);
  const v = view(ex);
  const b = Number(builder);
  const start = Number(v.getBigInt64(b, true));
  const lastWrite = Number(v.getBigInt64(b + 24, true));
  v.setUint32(start, bytes.length, true);
  new Uint8Array(ex.memory.buffer, start + 4, bytes.length).set(bytes);
  v.setUint32(lastWrite, bytes.length + 4, true);
  return builder;
}

/** Reads a `ContractInterfaceResult { ptr: i64, kind: i32, size: u32 }` and copies out its bytes. */
function readResult(ex: Exports, ptr: bigint, kind: number, maxMemory: number): Uint8Array {
  if (ex.memory.buffer.byteLength > maxMemory)
    throw new KeywardError("contract_failed", "contract exceeded its memory budget");
  const v = view(ex);
  const p = Number(ptr);
  if (p < 0 || p + 16 > v.byteLength)
    throw new KeywardError("contract_failed", "contract result is out of bounds");
  const dataPtr = Number(v.getBigInt64(p, true));
  const gotKind = v.getInt32(p + 8, true);
  const size = v.getUint32(p + 12, true);
  if (gotKind !== kind)
    throw new KeywardError("contract_failed", "contract returned a result of another kind");
  if (dataPtr < 0 || dataPtr + size > v.byteLength)
    throw new KeywardError("contract_failed", "contract result is out of bounds");
  return new Uint8Array(ex.memory.buffer, dataPtr, size).slice();
}
