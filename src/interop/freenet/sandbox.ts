// Runs exports of one prepared freenet module in a worker thread with a wall-clock budget per call; an
// overrun terminates the worker (a fresh one starts on the next call), so the service itself never stalls.
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { Worker, type WorkerOptions } from "node:worker_threads";
import { KeywardError } from "../../errors/keyward-error.js";
import type { ImportLimits, SecretWrite } from "./guest-imports.js";
import type { PreparedModule } from "./module.js";
import type {
  CallReply,
  FailureReason,
  GuestArg,
  HostProfile,
  ResultShape,
  WorkerReply,
} from "./sandbox-protocol.js";

export type { SecretWrite } from "./guest-imports.js";
export type { FailureReason, GuestArg, HostProfile, ResultShape } from "./sandbox-protocol.js";

/** Reads of the calling delegate's own secrets (service wires it to that delegate's namespace only). */
export interface SecretReader {
  /** The value of `key`, or undefined when absent. */
  get(key: Uint8Array): Promise<Uint8Array | undefined>;
  /** Every stored key starting with `prefix`. */
  list(prefix: Uint8Array): Promise<Uint8Array[]>;
}

/** Budgets of one sandbox. */
export interface SandboxLimits {
  /** Wall-clock budget per call, ms (default 5,000). */
  readonly timeoutMs: number;
  /** Budget to start the worker and instantiate the module, ms (default 30,000: a cold worker under load). */
  readonly startTimeoutMs: number;
  /** Largest secret value a module may read or write (default 1 MiB). */
  readonly maxSecretBytes: number;
  /** Distinct secrets one call may write (default 1,024). */
  readonly maxWritesPerCall: number;
  /** Log lines kept per call (default 100). */
  readonly maxLogLines: number;
  /** JS heap of the worker, MiB (default 64): bounds host-side copies, not guest memory. */
  readonly heapMb: number;
}

/** Default budgets. */
export const DEFAULT_SANDBOX_LIMITS: SandboxLimits = {
  timeoutMs: 5000,
  startTimeoutMs: 30_000,
  maxSecretBytes: 1 << 20,
  maxWritesPerCall: 1024,
  maxLogLines: 100,
  heapMb: 64,
};

/** What one export call produced. */
export interface SandboxResult {
  /** The export's raw i64 return value. */
  readonly value: bigint;
  /** Serialized result bytes (for result shapes `delegate` / `contract`). */
  readonly result?: Uint8Array;
  /** ContractInterfaceResult kind (shape `contract`). */
  readonly kind?: number;
  /** Secret writes the call made, in order of first write; apply them only if you accept the result. */
  readonly writes: readonly SecretWrite[];
  /** `freenet_log` lines. */
  readonly logs: readonly string[];
}

/** Options of one call. */
export interface CallOptions {
  readonly export: string;
  readonly args: readonly GuestArg[];
  readonly result: ResultShape;
  /** Secret reads (profile `delegate`); without it every secret reads as absent. */
  readonly secrets?: SecretReader;
}

const failed = (reason: FailureReason, message: string): KeywardError =>
  new KeywardError("module_failed", `module call failed (${reason}): ${message}`, { reason });

let nextInstanceId = 1;

/** Boots a TypeScript worker entry through tsx (loader flags in a worker's execArgv are not honoured on Node 20). */
function tsxWorker(entry: string, options: WorkerOptions): Worker {
  const api = import.meta.resolve("tsx/esm/api");
  const boot = `import(${JSON.stringify(api)}).then((m) => { m.register(); return import(${JSON.stringify(entry)}); });`;
  return new Worker(boot, { ...options, eval: true });
}

/**
 * Starts a worker: the sibling built `.js`, the sibling `.ts` through tsx, or — from a single-file bundle
 * of the CLI (tests) — the checkout's TypeScript entry found above the bundle.
 */
function startWorker(heapMb: number): Worker {
  const options: WorkerOptions = {
    resourceLimits: { maxOldGenerationSizeMb: heapMb, maxYoungGenerationSizeMb: 16, stackSizeMb: 4 },
    env: {},
  };
  if (import.meta.url.endsWith(".ts"))
    return tsxWorker(new URL("./sandbox-worker.ts", import.meta.url).href, options);
  const built = new URL("./sandbox-worker.js", import.meta.url);
  if (existsSync(fileURLToPath(built))) return new Worker(built, options);
  for (let dir = dirname(fileURLToPath(import.meta.url)); dir !== dirname(dir); dir = dirname(dir)) {
    const source = join(dir, "src/interop/freenet/sandbox-worker.ts");
    if (existsSync(source)) return tsxWorker(pathToFileURL(source).href, options);
  }
  throw new KeywardError("unavailable", "the WebAssembly sandbox worker is missing from this installation");
}

/**
 * One module instance in its own worker. Calls run one at a time (queued); each gets `timeoutMs` of wall
 * clock, after which the worker is terminated and the call fails with `module_failed` (reason `timeout`).
 * A trap, memory exhaustion (the capped maximum) or a malformed result fails only that call.
 * @example
 * const sandbox = new WasmSandbox(await prepareModule(wasm, { imports: DELEGATE_IMPORTS, requiredExports: ["process"] }), "delegate");
 * await sandbox.start();
 * const r = await sandbox.call({ export: "process", args: [{ kind: "buffer", bytes: params }, …], result: "delegate" });
 * await sandbox.close();
 */
export class WasmSandbox {
  readonly prepared: PreparedModule;
  readonly profile: HostProfile;
  readonly limits: SandboxLimits;
  #worker: Worker | undefined;
  #ready: Promise<void> | undefined;
  #queue: Promise<unknown> = Promise.resolve();
  /** Shared buffers of the current worker (fresh per worker: a late answer never reaches a successor). */
  #shared: { control: SharedArrayBuffer; data: SharedArrayBuffer } | undefined;
  #nextCall = 1;
  #onReply: ((m: WorkerReply) => void) | undefined;
  #onExit: ((why: FailureReason, message: string) => void) | undefined;

  constructor(prepared: PreparedModule, profile: HostProfile, limits: Partial<SandboxLimits> = {}) {
    this.prepared = prepared;
    this.profile = profile;
    this.limits = { ...DEFAULT_SANDBOX_LIMITS, ...limits };
  }

  /** Starts the worker and instantiates the module (links every import). @throws KeywardError invalid_module / module_failed */
  start(): Promise<void> {
    this.#ready ??= this.#spawn();
    return this.#ready;
  }

  #spawn(): Promise<void> {
    const worker = startWorker(this.limits.heapMb);
    worker.unref();
    this.#worker = worker;
    const shared = {
      control: new SharedArrayBuffer(12),
      data: new SharedArrayBuffer(this.limits.maxSecretBytes + 64 * 1024),
    };
    this.#shared = shared;
    // Events of a worker that was already replaced (terminated on overrun) are ignored.
    const current = (): boolean => this.#worker === worker;
    worker.on("message", (m: WorkerReply) => {
      if (current()) this.#onReply?.(m);
    });
    const gone = (why: FailureReason, message: string): void => {
      if (!current()) return;
      const notify = this.#onExit;
      this.#reset();
      notify?.(why, message);
    };
    worker.on("error", (err: Error & { code?: string }) => {
      const memory = err.code === "ERR_WORKER_OUT_OF_MEMORY";
      gone(memory ? "memory" : "crashed", memory ? "worker heap limit reached" : "worker crashed");
    });
    worker.on("exit", () => gone("crashed", "worker exited"));
    return new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#kill();
        reject(failed("timeout", `module did not start within ${this.limits.startTimeoutMs} ms`));
      }, this.limits.startTimeoutMs);
      this.#onExit = (why, message) => {
        clearTimeout(timer);
        reject(failed(why, message));
      };
      this.#onReply = (m) => {
        clearTimeout(timer);
        this.#onExit = undefined;
        if (m.type === "ready") resolve();
        else if (m.type === "init-failed") {
          this.#kill();
          reject(new KeywardError("invalid_module", `module does not instantiate: ${m.message}`));
        }
      };
      const limits: ImportLimits = this.limits;
      worker.postMessage({
        type: "init",
        module: this.prepared.module,
        profile: this.profile,
        instanceId: nextInstanceId++,
        control: shared.control,
        data: shared.data,
        limits: {
          maxSecretBytes: limits.maxSecretBytes,
          maxWritesPerCall: limits.maxWritesPerCall,
          maxLogLines: limits.maxLogLines,
        },
        maxPages: this.prepared.memory.maxPages,
        recycleBytes: Math.floor((this.prepared.memory.maxPages * 65536) / 2),
      });
    });
  }

  #reset(): void {
    this.#worker = undefined;
    this.#ready = undefined;
  }

  #kill(): void {
    const w = this.#worker;
    this.#reset();
    void w?.terminate();
  }

  /**
   * Calls one export. Serialised per sandbox.
   * @throws KeywardError `module_failed` (details.reason: timeout, trap, memory, malformed, limit, crashed, host)
   */
  call(options: CallOptions): Promise<SandboxResult> {
    const run = this.#queue.then(() => this.#call(options));
    this.#queue = run.catch(() => undefined);
    return run;
  }

  async #call(options: CallOptions): Promise<SandboxResult> {
    await this.start();
    const worker = this.#worker as Worker;
    const id = this.#nextCall++;
    const shared = this.#shared as { control: SharedArrayBuffer; data: SharedArrayBuffer };
    const ctl = new Int32Array(shared.control);
    const data = new Uint8Array(shared.data);
    let hostError = false;
    return new Promise<SandboxResult>((resolve, reject) => {
      const done = (): void => {
        clearTimeout(timer);
        this.#onReply = undefined;
        this.#onExit = undefined;
      };
      const timer = setTimeout(() => {
        done();
        this.#kill();
        reject(failed("timeout", `no result within ${this.limits.timeoutMs} ms`));
      }, this.limits.timeoutMs);
      this.#onExit = (why, message) => {
        done();
        reject(failed(why, message));
      };
      const answer = (status: number, bytes?: Uint8Array): void => {
        if (bytes) data.set(bytes);
        Atomics.store(ctl, 1, status);
        Atomics.store(ctl, 2, bytes?.length ?? 0);
        Atomics.store(ctl, 0, 1);
        Atomics.notify(ctl, 0);
      };
      this.#onReply = (m) => {
        if (m.type === "secret") {
          void this.#lookup(options.secrets, m.op, m.key).then(
            (bytes) => answer(bytes === undefined ? 0 : 1, bytes),
            () => {
              hostError = true;
              answer(3);
            },
          );
          return;
        }
        if (m.type !== "done" || m.id !== id) return;
        done();
        this.#settle(m, hostError, resolve, reject);
      };
      worker.postMessage({
        type: "call",
        id,
        export: options.export,
        args: options.args,
        result: options.result,
      });
    });
  }

  async #lookup(
    secrets: SecretReader | undefined,
    op: "get" | "list",
    key: Uint8Array,
  ): Promise<Uint8Array | undefined> {
    if (op === "get") {
      const v = await secrets?.get(key);
      if (v && v.length > this.limits.maxSecretBytes) throw new Error("secret larger than the sandbox limit");
      return v;
    }
    const keys = (await secrets?.list(key)) ?? [];
    const parts: Uint8Array[] = [];
    let size = 0;
    for (const k of keys) {
      if (size + 4 + k.length > this.limits.maxSecretBytes) break; // the host caps the list (stdlib list_secrets)
      const rec = new Uint8Array(4 + k.length);
      new DataView(rec.buffer).setUint32(0, k.length, true);
      rec.set(k, 4);
      parts.push(rec);
      size += rec.length;
    }
    return Buffer.concat(parts);
  }

  #settle(
    m: CallReply,
    hostError: boolean,
    resolve: (r: SandboxResult) => void,
    reject: (e: unknown) => void,
  ): void {
    if (hostError)
      reject(new KeywardError("unavailable", "reading the delegate's secrets failed; nothing was changed"));
    else if (m.failure) reject(failed(m.failure.reason, m.failure.message));
    else
      resolve({
        value: m.value ?? 0n,
        ...(m.result ? { result: m.result } : {}),
        ...(m.kind !== undefined ? { kind: m.kind } : {}),
        writes: m.writes ?? [],
        logs: m.logs ?? [],
      });
  }

  /** Stops the worker (a later call starts a new one). */
  async close(): Promise<void> {
    const w = this.#worker;
    this.#reset();
    await w?.terminate();
  }
}
