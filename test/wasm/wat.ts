// Test helper: compiles WebAssembly text with wabt (npm) so hostile modules are written as readable WAT.
import wabtInit from "wabt";

let wabt: Awaited<ReturnType<typeof wabtInit>> | undefined;

/** WAT → wasm bytes (the text is the whole module). */
export async function wat(text: string): Promise<Uint8Array> {
  wabt ??= await wabtInit();
  const mod = wabt.parseWat("test.wat", text, { bulk_memory: true });
  try {
    return new Uint8Array(mod.toBinary({}).buffer);
  } finally {
    mod.destroy();
  }
}

/**
 * The freenet BufferBuilder half of a guest, in WAT: a bump allocator, `__frnt__initiate_buffer` laying out
 * `{ start: i64, capacity: u32, last_read: i64, last_write: i64 }` (freenet-stdlib buf.rs) and `__frnt_set_id`.
 * Splice it into a `(module …)` after the imports.
 */
export const GUEST_BUFFERS = `
  (memory (export "memory") 2)
  (global $heap (mut i32) (i32.const 65536))
  (func $alloc (param $n i32) (result i32)
    (local $p i32)
    (local.set $p (global.get $heap))
    (global.set $heap (i32.and (i32.add (i32.add (global.get $heap) (local.get $n)) (i32.const 7)) (i32.const -8)))
    (if (i32.gt_u (global.get $heap) (i32.mul (memory.size) (i32.const 65536)))
      (then (drop (memory.grow (i32.add (i32.shr_u (local.get $n) (i32.const 16)) (i32.const 1))))))
    (local.get $p))
  (func (export "__frnt__initiate_buffer") (param $cap i32) (result i64)
    (local $b i32) (local $d i32)
    (local.set $b (call $alloc (i32.const 40)))
    (local.set $d (call $alloc (local.get $cap)))
    (i64.store (local.get $b) (i64.extend_i32_u (local.get $d)))
    (i32.store offset=8 (local.get $b) (local.get $cap))
    (i64.store offset=16 (local.get $b) (i64.extend_i32_u (i32.add (local.get $b) (i32.const 32))))
    (i64.store offset=24 (local.get $b) (i64.extend_i32_u (i32.add (local.get $b) (i32.const 36))))
    (i64.extend_i32_u (local.get $b)))
  (func (export "__frnt_set_id") (param i64))
  (func $start (param $b i64) (result i32) (i32.wrap_i64 (i64.load (i32.wrap_i64 (local.get $b)))))
  (func $len (param $b i64) (result i32) (i32.load (i32.wrap_i64 (i64.load offset=24 (i32.wrap_i64 (local.get $b))))))
  (func $result (param $ptr i32) (param $size i32) (result i64)
    (local $r i32)
    (local.set $r (call $alloc (i32.const 16)))
    (i64.store (local.get $r) (i64.extend_i32_u (local.get $ptr)))
    (i32.store offset=8 (local.get $r) (local.get $size))
    (i64.extend_i32_u (local.get $r)))
`;
