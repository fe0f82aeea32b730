// Worker entry of WasmSandbox: one module instance, reused across calls; reads secrets synchronously from
// the main thread (Atomics.wait on a shared buffer), returns writes only with a completed call.
import { parentPort } from "node:worker_threads";
import {
  type GuestExports,
  GuestMemoryError,
  readContractResult,
  readDelegateResult,
  writeBuffer,
  writeStreamingBuffer,
} from "./buffer.js";
import {
  CallState,
  contractIoImports,
  type ImportLimits,
  logImports,
  secretImports,
} from "./guest-imports.js";
import type { CallReply, CallRequest, InitRequest, WorkerReply } from "./sandbox-protocol.js";

let state: CallState | undefined;
let instance: WebAssembly.Instance | undefined;
let init: InitRequest | undefined;
let ctl: Int32Array;
let data: Uint8Array;

const post = (m: WorkerReply): void => parentPort?.postMessage(m);

/** Synchronous read through the main thread: post the request, block until it answers in shared memory. */
function ask(op: "get" | "list", key: Uint8Array): { status: number; bytes: Uint8Array } {
  Atomics.store(ctl, 0, 0);
  post({ type: "secret", op, key });
  Atomics.wait(ctl, 0, 0);
  const status = Atomics.load(ctl, 1);
  const len = Atomics.load(ctl, 2);
  return { status, bytes: data.slice(0, len) };
}

function lookupFailed(): never {
  throw new Error("host secret lookup failed");
}

function decodeList(b: Uint8Array): Uint8Array[] {
  const out: Uint8Array[] = [];
  const v = new DataView(b.buffer, b.byteOffset, b.byteLength);
  for (let off = 0; off + 4 <= b.length; ) {
    const n = v.getUint32(off, true);
    out.push(b.slice(off + 4, off + 4 + n));
    off += 4 + n;
  }
  return out;
}

function instantiate(req: InitRequest): WebAssembly.Instance {
  const limits: ImportLimits = req.limits;
  state = new CallState(
    {
      get: (key) => {
        const r = ask("get", key);
        if (r.status === 0) return undefined;
        if (r.status !== 1) lookupFailed();
        return r.bytes;
      },
      list: (prefix) => {
        const r = ask("list", prefix);
        if (r.status !== 1) lookupFailed();
        return decodeList(r.bytes);
      },
    },
    limits,
  );
  const s = state;
  const imports: WebAssembly.Imports =
    req.profile === "delegate"
      ? { freenet_delegate_secrets: secretImports(s), freenet_log: logImports(s) }
      : { freenet_contract_io: contractIoImports(), freenet_log: logImports(s) };
  const inst = new WebAssembly.Instance(req.module, imports);
  s.memory = inst.exports.memory as WebAssembly.Memory;
  (inst.exports.__frnt_set_id as (id: bigint) => void)(BigInt(req.instanceId));
  return inst;
}

function classify(
  err: unknown,
  memory: WebAssembly.Memory | undefined,
  maxPages: number,
): CallReply["failure"] {
  const message = String((err as Error)?.message ?? err).slice(0, 300);
  if (err instanceof GuestMemoryError) return { reason: "malformed", message };
  if (err instanceof WebAssembly.RuntimeError || err instanceof RangeError) {
    const atCap = memory !== undefined && memory.buffer.byteLength >= (maxPages - 1) * 65536;
    if (atCap) return { reason: "memory", message: `memory limit of ${maxPages} pages reached (${message})` };
    return { reason: "trap", message };
  }
  return { reason: "host", message };
}

function call(req: CallRequest): CallReply {
  if (!init)
    return { type: "done", id: req.id, failure: { reason: "host", message: "sandbox not initialised" } };
  try {
    instance ??= instantiate(init);
    const s = state as CallState;
    const exp = instance.exports as unknown as GuestExports &
      Record<string, (...a: bigint[]) => bigint | number>;
    s.reset();
    const args = req.args.map((a) =>
      a.kind === "buffer"
        ? writeBuffer(exp, a.bytes)
        : a.kind === "streaming"
          ? writeStreamingBuffer(exp, a.bytes)
          : a.value,
    );
    const fn = exp[req.export];
    if (typeof fn !== "function") throw new GuestMemoryError(`module has no export ${req.export}`);
    const value = BigInt(fn(...args));
    if (s.violation)
      return { type: "done", id: req.id, logs: s.logs, failure: { reason: "limit", message: s.violation } };
    const reply: CallReply = { type: "done", id: req.id, value, logs: [...s.logs], writes: s.writes() };
    if (req.result === "delegate") reply.result = readDelegateResult(exp.memory, value);
    if (req.result === "contract") {
      const r = readContractResult(exp.memory, value);
      reply.result = r.bytes;
      reply.kind = r.kind;
    }
    if (exp.memory.buffer.byteLength > init.recycleBytes) instance = undefined;
    return reply;
  } catch (err) {
    const failure = classify(err, state?.memory, init.maxPages);
    instance = undefined; // a trapped instance may hold a half-updated heap: start the next call fresh
    return { type: "done", id: req.id, logs: state ? [...state.logs] : [], failure };
  }
}

parentPort?.on("message", (msg: InitRequest | CallRequest) => {
  if (msg.type === "init") {
    init = msg;
    ctl = new Int32Array(msg.control);
    data = new Uint8Array(msg.data);
    try {
      instance = instantiate(msg);
      post({ type: "ready" });
    } catch (err) {
      post({ type: "init-failed", message: String((err as Error)?.message ?? err).slice(0, 300) });
    }
    return;
  }
  post(call(msg));
});
