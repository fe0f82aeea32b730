// The generic host core on small WAT modules: buffer protocol round trip, import check, memory cap, timeout.
import { describe, expect, it } from "vitest";
import { GUEST_BUFFERS, wat } from "../../../test/wasm/wat.js";
import { CONTRACT_IMPORTS, capMemory, DELEGATE_IMPORTS, prepareModule } from "./module.js";
import { WasmSandbox } from "./sandbox.js";

// process(params, origin, inbound) answers a result whose bytes are `inbound` followed by `origin`'s length;
// `spin` never returns.
const ECHO = `(module
  (import "freenet_log" "__frnt__logger__info" (func $log (param i64 i64 i32)))
  ${GUEST_BUFFERS}
  (func (export "process") (param $p i64) (param $o i64) (param $in i64) (result i64)
    (call $log (i64.const 0) (i64.extend_i32_u (call $start (local.get $in))) (call $len (local.get $in)))
    (call $result (call $start (local.get $in)) (call $len (local.get $in))))
  (func (export "spin") (result i64) (loop $l (br $l)) (i64.const 0)))`;

describe("freenet host core", () => {
  it("writes BufferBuilders the guest reads and reads back the DelegateInterfaceResult", async () => {
    const prepared = await prepareModule(await wat(ECHO), {
      imports: DELEGATE_IMPORTS,
      requiredExports: ["process"],
    });
    const sb = new WasmSandbox(prepared, "delegate", { timeoutMs: 3000 });
    try {
      const inbound = new TextEncoder().encode("hello");
      const r = await sb.call({
        export: "process",
        args: [
          { kind: "buffer", bytes: new Uint8Array(0) },
          { kind: "buffer", bytes: new Uint8Array(0) },
          { kind: "buffer", bytes: inbound },
        ],
        result: "delegate",
      });
      expect(Buffer.from(r.result ?? []).toString()).toBe("hello");
      expect(r.logs).toEqual(["hello"]);
      expect(r.writes).toEqual([]);
    } finally {
      await sb.close();
    }
  });

  it("terminates an overrun and serves the next call from a fresh worker", async () => {
    const prepared = await prepareModule(await wat(ECHO), {
      imports: DELEGATE_IMPORTS,
      requiredExports: ["spin"],
    });
    const sb = new WasmSandbox(prepared, "delegate", { timeoutMs: 300 });
    try {
      await sb.start();
      await expect(sb.call({ export: "spin", args: [], result: "none" })).rejects.toMatchObject({
        code: "module_failed",
        details: { reason: "timeout" },
      });
      const b = { kind: "buffer", bytes: new Uint8Array([7]) } as const;
      const sb2 = new WasmSandbox(prepared, "delegate", { timeoutMs: 20_000 });
      const r = await sb2.call({ export: "process", args: [b, b, b], result: "delegate" });
      expect([...(r.result ?? [])]).toEqual([7]);
      await sb2.close();
    } finally {
      await sb.close();
    }
  });

  it("refuses an import the host does not provide, naming it", async () => {
    const bytes = await wat(`(module (import "env" "clock_ms" (func (result i64))) ${GUEST_BUFFERS}
      (func (export "process") (param i64 i64 i64) (result i64) (i64.const 0)))`);
    await expect(
      prepareModule(bytes, { imports: DELEGATE_IMPORTS, requiredExports: ["process"] }),
    ).rejects.toThrow(/imports env\.clock_ms, which this host does not provide/);
    await expect(
      prepareModule(await wat(ECHO), { imports: CONTRACT_IMPORTS, requiredExports: ["validate_state"] }),
    ).rejects.toThrow(/does not export function validate_state/);
  });

  it("caps memory by rewriting the memory section's maximum", async () => {
    const bytes = await wat(ECHO);
    const capped = capMemory(bytes, 16);
    expect(capped).toMatchObject({ initialPages: 2, maxPages: 16 });
    const inst = new WebAssembly.Instance(new WebAssembly.Module(capped.bytes), {
      freenet_log: { __frnt__logger__info: () => undefined },
    });
    const memory = inst.exports.memory as WebAssembly.Memory;
    expect(() => memory.grow(14)).not.toThrow();
    expect(() => memory.grow(1)).toThrow(RangeError);
    expect(() => capMemory(bytes, 1)).toThrow(/needs 2 memory pages at start; the limit is 1/);
  });
});
