// River's room contract as a judge: runs a given contract build's validate_state on parameters + state.
import { ContractRunner } from "../interop/freenet/contract-runner.js";

/** The contract's verdict on a state. */
export interface RiverVerdict {
  /** True only for `ValidateResult::Valid`. */
  readonly valid: boolean;
  /** `Valid`, `Invalid`, `RequestRelated`, or the `ContractError` variant the contract returned. */
  readonly verdict: string;
  /** The contract's own reason, when it refused (e.g. "State verification failed: Invalid signature…"). */
  readonly reason?: string;
}

/**
 * Runs `validate_state(parameters, state)` of the contract module `contract` (River's room contract or any
 * freenet-stdlib 0.8.5 contract) in the WASM sandbox. A refusal is an answer (`valid: false`), not an error.
 * @throws KeywardError `invalid_module` (not a contract), `module_failed` (trap, timeout, memory).
 * @example const v = await riverValidateState(readFileSync("room_contract.wasm"), params, state); // {valid: true, verdict: "Valid"}
 */
export async function riverValidateState(
  contract: Uint8Array,
  parameters: Uint8Array,
  state: Uint8Array,
): Promise<RiverVerdict> {
  const runner = await ContractRunner.open(contract);
  try {
    const r = await runner.validateState(parameters, state);
    if (r.ok) return { valid: r.value.kind === "Valid", verdict: r.value.kind };
    const reason = "message" in r.error ? r.error.message : undefined;
    return { valid: false, verdict: r.error.kind, ...(reason !== undefined ? { reason } : {}) };
  } finally {
    await runner.close();
  }
}
