// Messages between WasmSandbox (main thread) and its worker; shared types only.
import type { ImportLimits, SecretWrite } from "./guest-imports.js";

/** One argument of an export call: a BufferBuilder, a contract streaming buffer, or a plain i64. */
export type GuestArg =
  | { readonly kind: "buffer"; readonly bytes: Uint8Array }
  | { readonly kind: "streaming"; readonly bytes: Uint8Array }
  | { readonly kind: "i64"; readonly value: bigint };

/** How to read what the export returned: a DelegateInterfaceResult, a ContractInterfaceResult, or nothing. */
export type ResultShape = "delegate" | "contract" | "none";

/** Which host functions the instance links: delegate (secrets + log) or contract (refill + log). */
export type HostProfile = "delegate" | "contract";

/** Why a call failed inside the sandbox. */
export type FailureReason = "timeout" | "trap" | "memory" | "malformed" | "limit" | "crashed" | "host";

/** First message to a worker. */
export interface InitRequest {
  readonly type: "init";
  readonly module: WebAssembly.Module;
  readonly profile: HostProfile;
  readonly instanceId: number;
  readonly control: SharedArrayBuffer;
  readonly data: SharedArrayBuffer;
  readonly limits: ImportLimits;
  readonly maxPages: number;
  /** Memory size after which the instance is dropped and re-made (guest buffers are never freed). */
  readonly recycleBytes: number;
}

/** One export call. */
export interface CallRequest {
  readonly type: "call";
  readonly id: number;
  readonly export: string;
  readonly args: readonly GuestArg[];
  readonly result: ResultShape;
}

/** The worker's answer to one call. */
export interface CallReply {
  readonly type: "done";
  readonly id: number;
  value?: bigint;
  result?: Uint8Array;
  kind?: number;
  logs?: string[];
  writes?: SecretWrite[];
  failure?: { readonly reason: FailureReason; readonly message: string };
}

/** Everything a worker posts. */
export type WorkerReply =
  | { readonly type: "ready" }
  | { readonly type: "init-failed"; readonly message: string }
  | { readonly type: "secret"; readonly op: "get" | "list"; readonly key: Uint8Array }
  | CallReply;
