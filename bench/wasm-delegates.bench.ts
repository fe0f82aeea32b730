// WebAssembly delegate host benchmark (issue #24): River's real chat delegate V28.
//  1. register + instantiate of the 736 KB module (hash check, compile + import check, worker start, store);
//  2. GetRequest calls per second through keyward (DelegateRuntime: sealed SQLite read, worker hop, bincode,
//     CBOR) next to, in the same run, (a) the sandbox alone with an in-memory secret map and (b) a direct call
//     of the same `process` export on the main thread with bare in-memory imports — no keyward host at all.
// Run: `npm run bench -- wasm` (BENCH_SECONDS per measurement, default 2).
import { readFileSync } from "node:fs";
import { certifyDelegate } from "../src/delegates/certificate.js";
import { Delegates } from "../src/delegates/delegates.js";
import { newAppKey, recordingAudit } from "../src/delegates/test-support.js";
import { writeBuffer } from "../src/interop/freenet/buffer.js";
import { encodeApplicationMessage, encodeOrigin } from "../src/interop/freenet/delegate-messages.js";
import { DELEGATE_IMPORTS, prepareModule } from "../src/interop/freenet/module.js";
import { WasmSandbox } from "../src/interop/freenet/sandbox.js";
import { encodeChatRequest } from "../src/interop/river-chat/chat-messages.js";
import { openTestSqliteStorage } from "../src/store/testing.js";

const SECONDS = Number(process.env.BENCH_SECONDS ?? 2);
const V28 = new Uint8Array(
  readFileSync(new URL("../test/fixtures/river/chat_delegate_V28.wasm", import.meta.url)),
);
const ORIGIN = { webApp: new Uint8Array(32).fill(0xa1) };
const KEY = new TextEncoder().encode("rooms");
const VALUE = new Uint8Array(256).fill(0x42);
const GET = encodeChatRequest({ type: "GetRequest", key: KEY });
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;

async function perSecond(fn: () => Promise<unknown> | unknown): Promise<number> {
  const end = performance.now() + SECONDS * 1000;
  let n = 0;
  const t0 = performance.now();
  while (performance.now() < end) {
    await fn();
    n++;
  }
  return n / ((performance.now() - t0) / 1000);
}

/** The same export with bare imports on this thread: what the module costs without any host around it. */
function directInstance(secrets: Map<string, Uint8Array>) {
  let memory: WebAssembly.Memory | undefined;
  const mem = () => new Uint8Array((memory as WebAssembly.Memory).buffer);
  const key = (p: bigint, l: number) =>
    Buffer.from(mem().subarray(Number(p), Number(p) + l)).toString("latin1");
  const inst = new WebAssembly.Instance(new WebAssembly.Module(V28), {
    freenet_delegate_secrets: {
      __frnt__delegate__get_secret_len: (p: bigint, l: number) => secrets.get(key(p, l))?.length ?? -2,
      __frnt__delegate__get_secret: (p: bigint, l: number, o: bigint) => {
        const v = secrets.get(key(p, l));
        if (!v) return -2;
        mem().set(v, Number(o));
        return v.length;
      },
      __frnt__delegate__set_secret: (p: bigint, l: number, vp: bigint, vl: number) => {
        secrets.set(key(p, l), mem().slice(Number(vp), Number(vp) + vl));
        return 0;
      },
      __frnt__delegate__remove_secret: (p: bigint, l: number) => (secrets.delete(key(p, l)) ? 0 : -2),
    },
    freenet_log: { __frnt__logger__info: () => undefined },
  });
  memory = inst.exports.memory as WebAssembly.Memory;
  const exp = inst.exports as unknown as Parameters<typeof writeBuffer>[0] & {
    process: (a: bigint, b: bigint, c: bigint) => bigint;
  };
  const origin = encodeOrigin(ORIGIN);
  return (payload: Uint8Array) => {
    const r = exp.process(
      writeBuffer(exp, new Uint8Array(0)),
      writeBuffer(exp, origin),
      writeBuffer(exp, encodeApplicationMessage(payload)),
    );
    const dv = new DataView(exp.memory.buffer);
    const ptr = Number(dv.getBigInt64(Number(r), true));
    return exp.memory.buffer.slice(ptr, ptr + dv.getUint32(Number(r) + 8, true));
  };
}

const t = await openTestSqliteStorage();
try {
  const d = new Delegates({ storage: t.storage, audit: recordingAudit() });
  const app = newAppKey();
  await d.apps.register("river", app.publicKey);

  console.log(`### register + instantiate of River's chat delegate V28 (${V28.length} bytes), median of 3`);
  const reg: number[] = [];
  const compile: number[] = [];
  let key = "";
  for (let i = 0; i < 3; i++) {
    let t0 = performance.now();
    await prepareModule(V28, { imports: DELEGATE_IMPORTS, requiredExports: ["process"] });
    compile.push(performance.now() - t0);
    t0 = performance.now();
    const info = await d.modules.register(certifyDelegate(app.seed, V28, Uint8Array.of(i), 28 + i), V28);
    reg.push(performance.now() - t0);
    if (i === 0) key = info.delegateKey;
  }
  const start: number[] = [];
  for (let i = 0; i < 3; i++) {
    const sb = new WasmSandbox(
      await prepareModule(V28, { imports: DELEGATE_IMPORTS, requiredExports: ["process"] }),
      "delegate",
    );
    const t0 = performance.now();
    await sb.start();
    start.push(performance.now() - t0);
    await sb.close();
  }
  console.log(`compile + import check + memory cap : ${median(compile).toFixed(1)} ms`);
  console.log(
    `worker start + instantiate          : ${median(start).toFixed(1)} ms (from sources: the worker boots tsx)`,
  );
  console.log(`register (hash, compile, worker start + instantiate, store): ${median(reg).toFixed(1)} ms`);

  await d.runtime.call(key, {
    origin: ORIGIN,
    payload: encodeChatRequest({ type: "StoreRequest", key: KEY, value: VALUE }),
  });
  // The same secrets the delegate stored, for the two baselines.
  const names = await t.storage.secrets.list(`delegate:${key}`);
  const secrets = new Map<string, Uint8Array>();
  for (const n of names)
    secrets.set(n, (await t.storage.secrets.get(`delegate:${key}`, n))?.expose() ?? new Uint8Array(0));

  const direct = directInstance(new Map(secrets));
  const sandbox = new WasmSandbox(
    await prepareModule(V28, { imports: DELEGATE_IMPORTS, requiredExports: ["process"] }),
    "delegate",
  );
  await sandbox.start();
  const reader = {
    get: async (k: Uint8Array) => secrets.get(Buffer.from(k).toString("latin1")),
    list: async () => [],
  };
  const args = [
    { kind: "buffer", bytes: new Uint8Array(0) },
    { kind: "buffer", bytes: encodeOrigin(ORIGIN) },
    { kind: "buffer", bytes: encodeApplicationMessage(GET) },
  ] as const;

  const rates = { keyward: [] as number[], sandbox: [] as number[], direct: [] as number[] };
  for (let round = 0; round < 3; round++) {
    rates.direct.push(await perSecond(() => direct(GET)));
    rates.sandbox.push(
      await perSecond(() => sandbox.call({ export: "process", args, result: "delegate", secrets: reader })),
    );
    rates.keyward.push(await perSecond(() => d.runtime.call(key, { origin: ORIGIN, payload: GET })));
  }
  const base = median(rates.direct);
  console.log(
    `\n### River GetRequest (256-byte value), calls per second, ${SECONDS} s × 3 rounds alternating, medians`,
  );
  console.log("| path | calls/s | vs direct |");
  console.log("| --- | --- | --- |");
  for (const [label, xs] of [
    ["direct export call, main thread, bare in-memory imports (baseline)", rates.direct],
    ["WasmSandbox (worker, in-memory secret reader)", rates.sandbox],
    ["keyward DelegateRuntime.call (sealed SQLite namespace, checks, CBOR)", rates.keyward],
  ] as const)
    console.log(`| ${label} | ${median(xs).toFixed(0)} | ${(median(xs) / base).toFixed(3)} |`);
  await sandbox.close();
  await d.runtime.close();
} finally {
  await t.cleanup();
}
