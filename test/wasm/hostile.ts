// Hostile freenet delegate modules in WAT (compiled with wabt in the tests): each imports the real host ABI
// and misbehaves in one way. Every one writes a secret first, so a test can see that the write is rolled back.
import { GUEST_BUFFERS } from "./wat.js";

const IMPORTS = `
  (import "freenet_delegate_secrets" "__frnt__delegate__set_secret" (func $set (param i64 i32 i64 i32) (result i32)))
  (import "freenet_delegate_secrets" "__frnt__delegate__get_secret_len" (func $get_len (param i64 i32) (result i32)))
  (import "freenet_delegate_secrets" "__frnt__delegate__get_secret" (func $get (param i64 i32 i64 i32) (result i32)))
  (import "freenet_delegate_secrets" "__frnt__delegate__list_secrets_len" (func $list_len (param i64 i32) (result i32)))
  (import "freenet_log" "__frnt__logger__info" (func $log (param i64 i64 i32)))`;

/** Writes secret "planted" = "evil" (data at 64/80). */
const PLANT = `(drop (call $set (i64.const 64) (i32.const 7) (i64.const 80) (i32.const 4)))`;
const DATA = `(data (i32.const 64) "planted") (data (i32.const 80) "evil")`;

const delegate = (body: string, extra = ""): string => `(module ${IMPORTS} ${GUEST_BUFFERS} ${DATA} ${extra}
  (func (export "process") (param $p i64) (param $o i64) (param $in i64) (result i64) ${body}))`;

/** Writes, then never returns. */
export const LOOP_FOREVER = delegate(`${PLANT} (loop $l (br $l)) (i64.const 0)`);

/** Writes, then grows memory a page at a time until the cap, then touches past it (traps). */
export const GROW_MEMORY = delegate(`${PLANT}
  (block $full (loop $l (br_if $full (i32.eq (memory.grow (i32.const 1)) (i32.const -1))) (br $l)))
  (i64.store (i32.mul (memory.size) (i32.const 65536)) (i64.const 1))
  (i64.const 0)`);

/** Writes two secrets, then traps between them and the result. */
export const TRAP_MID_WRITE = delegate(`${PLANT}
  (drop (call $set (i64.const 80) (i32.const 4) (i64.const 64) (i32.const 7)))
  unreachable`);

/** Calls the host with out-of-range pointers (must answer error codes), then returns a pointer past memory. */
export const GARBAGE_POINTERS = delegate(`${PLANT}
  (drop (call $get_len (i64.const 0xfffffff0) (i32.const 64)))
  (drop (call $get (i64.const 64) (i32.const 7) (i64.const 0x7fffffffffff) (i32.const 16)))
  (drop (call $set (i64.const -1) (i32.const -5) (i64.const 80) (i32.const 4)))
  (i64.const 0xfffffff0)`);

/** Writes, then answers a result struct whose bytes are in memory but are not bincode of the result type. */
export const GARBAGE_RESULT = delegate(`${PLANT} (call $result (i32.const 64) (i32.const 11))`);

/** Writes, then answers a result struct claiming 4 GiB of bytes. */
export const HUGE_RESULT_LENGTH = delegate(`${PLANT} (call $result (i32.const 64) (i32.const -1))`);

/** Imports a host function the freenet ABI does not have (a clock). */
export const UNKNOWN_IMPORT = `(module (import "env" "now_ms" (func $now (result i64))) ${GUEST_BUFFERS}
  (func (export "process") (param i64 i64 i64) (result i64) (call $now)))`;

/** Asks for more memory at start than any cap allows. */
export const HUGE_INITIAL_MEMORY = `(module (memory (export "memory") 60000)
  (func (export "__frnt__initiate_buffer") (param i32) (result i64) (i64.const 0))
  (func (export "__frnt_set_id") (param i64))
  (func (export "process") (param i64 i64 i64) (result i64) (i64.const 0)))`;

const watString = (b: Uint8Array): string =>
  [...b].map((x) => `\\${x.toString(16).padStart(2, "0")}`).join("");

/**
 * A prober: for each key, calls get_secret_len and get_secret; then list_secrets_len(""); then writes
 * "pwned" under the first key. Answers Ok([ApplicationMessage]) whose payload is the i32 results, in order.
 */
export function prober(keys: readonly Uint8Array[]): string {
  let off = 4096;
  const data: string[] = [];
  const calls: string[] = [];
  let slot = 0;
  const out = (expr: string): void => {
    calls.push(`(i32.store (i32.add (global.get $res) (i32.const ${slot * 4})) ${expr})`);
    slot++;
  };
  for (const k of keys) {
    data.push(`(data (i32.const ${off}) "${watString(k)}")`);
    out(`(call $get_len (i64.const ${off}) (i32.const ${k.length}))`);
    out(`(call $get (i64.const ${off}) (i32.const ${k.length}) (i64.const 512) (i32.const 256))`);
    off += k.length + 8;
  }
  out(`(call $list_len (i64.const 0) (i32.const 0))`);
  const first = keys[0] ?? new Uint8Array(0);
  out(`(call $set (i64.const 4096) (i32.const ${first.length}) (i64.const 96) (i32.const 5))`);
  const n = slot * 4;
  // bincode Ok(vec![ApplicationMessage { payload, context: [], processed: true }]) built at $res - 24.
  const body = `
    (global.set $res (i32.add (call $alloc (i32.const ${n + 64})) (i32.const 24)))
    ${calls.join("\n")}
    (i32.store (i32.sub (global.get $res) (i32.const 24)) (i32.const 0))
    (i64.store (i32.sub (global.get $res) (i32.const 20)) (i64.const 1))
    (i32.store (i32.sub (global.get $res) (i32.const 12)) (i32.const 0))
    (i64.store (i32.sub (global.get $res) (i32.const 8)) (i64.const ${n}))
    (i64.store (i32.add (global.get $res) (i32.const ${n})) (i64.const 0))
    (i32.store8 (i32.add (global.get $res) (i32.const ${n + 8})) (i32.const 1))
    (call $result (i32.sub (global.get $res) (i32.const 24)) (i32.const ${n + 33}))`;
  return delegate(
    body,
    `(global $res (mut i32) (i32.const 0)) (data (i32.const 96) "pwned") ${data.join(" ")}`,
  );
}
