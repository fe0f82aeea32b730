// Calls a freenet-stdlib 0.8.5 contract module's exports (validate_state, update_state, …) in the WASM sandbox.
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
import { CONTRACT_IMPORTS, prepareModule } from "./module.js";
import { type SandboxLimits, WasmSandbox } from "./sandbox.js";

/** Exports a contract module must have (freenet-stdlib `#[contract]` macro), besides the buffer exports. */
export const CONTRACT_EXPORTS = [
  "validate_state",
  "update_state",
  "summarize_state",
  "get_state_delta",
] as const;

/** Result kinds of `ContractInterfaceResult` (wasm_interface.rs `ResultKind`). */
const KIND = { validate: 0, update: 2, summarize: 3, delta: 4 } as const;

/** Decodes a result, treating unreadable bytes as the module's failure (not the caller's input). */
function decoded<T>(decode: () => T): T {
  try {
    return decode();
  } catch (err) {
    if (err instanceof RangeError)
      throw new KeywardError("module_failed", "contract result is not valid bincode", {
        reason: "malformed",
      });
    throw err;
  }
}

/** A contract's answer: its value, or the `ContractError` it returned (a refusal, not a failure). */
export type ContractAnswer<T> = { ok: true; value: T } | { ok: false; error: ContractErrorValue };

/** Options of a contract runner: the sandbox budgets and the linear-memory cap. */
export interface ContractRunnerOptions {
  readonly limits?: Partial<SandboxLimits>;
  /** Linear memory cap, 64 KiB pages (module.ts default: 1,024 = 64 MiB). */
  readonly maxMemoryPages?: number;
}

/**
 * A contract module running in its own sandboxed worker (module.ts checks, sandbox.ts budgets). Calls are
 * pure for the caller: inputs are copied in, the result copied out; a trap, timeout or memory overrun
 * fails that call with `module_failed` and the next call starts a fresh instance.
 * @example
 * const runner = await ContractRunner.open(readFileSync("room_contract.wasm"));
 * await runner.validateState(parameters, state); // { ok: true, value: { kind: "Valid" } }
 * await runner.close();
 */
export class ContractRunner {
  readonly #sandbox: WasmSandbox;

  private constructor(sandbox: WasmSandbox) {
    this.#sandbox = sandbox;
  }

  /**
   * Compiles and checks a module (contract imports only, the contract exports present) and starts it.
   * @throws KeywardError `invalid_module` when the bytes are not such a module; `module_failed` on start.
   */
  static async open(code: Uint8Array, opts: ContractRunnerOptions = {}): Promise<ContractRunner> {
    assertBytes(code, undefined, "contract");
    const prepared = await prepareModule(code, {
      imports: CONTRACT_IMPORTS,
      requiredExports: CONTRACT_EXPORTS,
      ...(opts.maxMemoryPages !== undefined ? { maxMemoryPages: opts.maxMemoryPages } : {}),
    });
    const sandbox = new WasmSandbox(prepared, "contract", opts.limits ?? {});
    await sandbox.start();
    return new ContractRunner(sandbox);
  }

  /** `validate_state(parameters, state, related = {})`. */
  async validateState(
    parameters: Uint8Array,
    state: Uint8Array,
  ): Promise<ContractAnswer<ContractValidateResult>> {
    assertBytes(parameters, undefined, "parameters");
    assertBytes(state, undefined, "state");
    const bytes = await this.#call("validate_state", KIND.validate, [
      parameters,
      state,
      EMPTY_RELATED_CONTRACTS,
    ]);
    const out = decoded(() => decodeValidateResult(bytes));
    return out.ok ? { ok: true, value: out.value } : out;
  }

  /** `update_state(parameters, state, updates)`: the new state bytes (null when the contract gives none). */
  async updateState(
    parameters: Uint8Array,
    state: Uint8Array,
    updates: readonly ContractUpdate[],
  ): Promise<ContractAnswer<Uint8Array | null>> {
    assertBytes(parameters, undefined, "parameters");
    assertBytes(state, undefined, "state");
    const bytes = await this.#call("update_state", KIND.update, [parameters, state, encodeUpdates(updates)]);
    const out = decoded(() => decodeUpdateResult(bytes));
    return out.ok ? { ok: true, value: out.newState } : out;
  }

  /** `summarize_state(parameters, state)`. */
  async summarizeState(parameters: Uint8Array, state: Uint8Array): Promise<ContractAnswer<Uint8Array>> {
    const bytes = await this.#call("summarize_state", KIND.summarize, [parameters, state]);
    const out = decoded(() => decodeBytesResult(bytes));
    return out.ok ? { ok: true, value: out.bytes } : out;
  }

  /** `get_state_delta(parameters, state, summary)`. */
  async getStateDelta(
    parameters: Uint8Array,
    state: Uint8Array,
    summary: Uint8Array,
  ): Promise<ContractAnswer<Uint8Array>> {
    const bytes = await this.#call("get_state_delta", KIND.delta, [parameters, state, summary]);
    const out = decoded(() => decodeBytesResult(bytes));
    return out.ok ? { ok: true, value: out.bytes } : out;
  }

  /** Stops the worker. */
  close(): Promise<void> {
    return this.#sandbox.close();
  }

  async #call(name: string, kind: number, inputs: readonly Uint8Array[]): Promise<Uint8Array> {
    // Inputs go whole into streaming buffers (u32 LE length + bytes); the refill import answers EOF.
    const r = await this.#sandbox.call({
      export: name,
      args: inputs.map((bytes) => ({ kind: "streaming" as const, bytes })),
      result: "contract",
    });
    if (r.kind !== kind || !r.result)
      throw new KeywardError("module_failed", `contract ${name} returned a result of another kind`, {
        reason: "malformed",
      });
    return r.result;
  }
}
