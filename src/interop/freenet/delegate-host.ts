// One freenet delegate module instance: `process(parameters, origin, inbound)` through the sandbox, with the
// bincode messages of freenet-stdlib 0.8.5 in and out.
import { KeywardError } from "../../errors/keyward-error.js";
import {
  decodeDelegateResult,
  encodeApplicationMessage,
  encodeOrigin,
  type MessageOrigin,
  type OutboundDelegateMsg,
} from "./delegate-messages.js";
import { DELEGATE_IMPORTS, type PreparedModule, prepareModule } from "./module.js";
import { type SandboxLimits, type SecretReader, type SecretWrite, WasmSandbox } from "./sandbox.js";

/** One application message to a delegate. */
export interface DelegateCall {
  /** The delegate's parameters (part of its key; empty for River's chat delegate). */
  readonly params: Uint8Array;
  readonly origin?: MessageOrigin;
  /** `ApplicationMessage.payload` (River: a ciborium `ChatDelegateRequestMsg`). */
  readonly payload: Uint8Array;
}

/** What an Ok call produced; `writes` are to be applied by the caller (atomically), nothing else did. */
export interface DelegateOutcome {
  readonly messages: readonly OutboundDelegateMsg[];
  readonly writes: readonly SecretWrite[];
  readonly logs: readonly string[];
}

/** Limits of a delegate instance: the sandbox budgets plus the memory cap in pages. */
export interface DelegateLimits extends Partial<SandboxLimits> {
  readonly maxMemoryPages?: number;
}

/**
 * A loaded delegate module (compiled, import-checked, memory-capped, instantiated in its worker).
 * @example
 * const d = await FreenetDelegate.load(wasm);
 * const out = await d.process({ params: new Uint8Array(0), origin: { webApp }, payload }, secrets);
 */
export class FreenetDelegate {
  readonly sandbox: WasmSandbox;

  private constructor(sandbox: WasmSandbox) {
    this.sandbox = sandbox;
  }

  /** Compiles and checks `code` without instantiating. @throws KeywardError `invalid_module` */
  static prepare(code: Uint8Array, limits: DelegateLimits = {}): Promise<PreparedModule> {
    return prepareModule(code, {
      imports: DELEGATE_IMPORTS,
      requiredExports: ["process"],
      ...(limits.maxMemoryPages ? { maxMemoryPages: limits.maxMemoryPages } : {}),
    });
  }

  /** Prepares and instantiates. @throws KeywardError `invalid_module`, `module_failed` */
  static async load(code: Uint8Array, limits: DelegateLimits = {}): Promise<FreenetDelegate> {
    const sandbox = new WasmSandbox(await FreenetDelegate.prepare(code, limits), "delegate", limits);
    await sandbox.start();
    return new FreenetDelegate(sandbox);
  }

  /**
   * Sends one `ApplicationMessage`. Secret reads go through `secrets`; writes come back unapplied.
   * @throws KeywardError `delegate_error` (the delegate answered Err — apply nothing), `module_failed`
   *   (trap, overrun, memory, malformed result), `unavailable` (a secret read failed)
   */
  async process(call: DelegateCall, secrets: SecretReader): Promise<DelegateOutcome> {
    const r = await this.sandbox.call({
      export: "process",
      args: [
        { kind: "buffer", bytes: call.params },
        { kind: "buffer", bytes: encodeOrigin(call.origin) },
        { kind: "buffer", bytes: encodeApplicationMessage(call.payload) },
      ],
      result: "delegate",
      secrets,
    });
    let decoded: ReturnType<typeof decodeDelegateResult>;
    try {
      decoded = decodeDelegateResult(r.result ?? new Uint8Array(0));
    } catch (err) {
      throw new KeywardError("module_failed", `module call failed (malformed): ${(err as Error).message}`, {
        reason: "malformed",
      });
    }
    if (!decoded.ok)
      throw new KeywardError(
        "delegate_error",
        `delegate refused the message: ${decoded.error.message.slice(0, 300)}`,
        {
          kind: decoded.error.kind,
        },
      );
    return { messages: decoded.messages, writes: r.writes, logs: r.logs };
  }

  /** Stops the instance's worker. */
  close(): Promise<void> {
    return this.sandbox.close();
  }
}
