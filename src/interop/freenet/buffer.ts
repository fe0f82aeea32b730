// freenet-stdlib 0.8.5 BufferBuilder memory protocol, host side: every guest pointer is bounds-checked.
//
// Layout (rust/src/memory/buf.rs, `#[repr(C)]` on wasm32): `start: i64` @0, `capacity: u32` @8, padding,
// `last_read: i64` @16, `last_write: i64` @24 — 32 bytes. `last_read`/`last_write` point at u32 cells in the
// guest's memory holding the read and write offsets. `__frnt__initiate_buffer(capacity: u32) -> i64` makes one.

/** Size in bytes of one BufferBuilder struct in wasm32 memory. */
export const BUFFER_BUILDER_BYTES = 32;

/** The exports of a freenet module the buffer protocol needs. */
export interface GuestExports {
  readonly memory: WebAssembly.Memory;
  readonly __frnt__initiate_buffer: (capacity: number) => bigint | number;
}

/** A guest pointer or length that falls outside the module's memory (or is not a valid wasm32 address). */
export class GuestMemoryError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "GuestMemoryError";
  }
}

/** One BufferBuilder as read from guest memory (all fields already bounds-checked). */
export interface BuilderView {
  readonly start: number;
  readonly capacity: number;
  readonly lastReadPtr: number;
  readonly lastWritePtr: number;
}

/** Converts a guest i64/i32 pointer to a JS number, refusing anything outside wasm32's address space. */
export function toAddress(value: bigint | number, what: string): number {
  const n = typeof value === "bigint" ? value : BigInt(Math.trunc(value));
  if (n < 0n || n > 0xffff_ffffn) throw new GuestMemoryError(`${what} is not a wasm32 address`);
  return Number(n);
}

function checkRange(memory: WebAssembly.Memory, addr: number, len: number, what: string): void {
  if (!Number.isInteger(len) || len < 0) throw new GuestMemoryError(`${what} has an invalid length`);
  if (addr + len > memory.buffer.byteLength) throw new GuestMemoryError(`${what} lies outside guest memory`);
}

/** Copies `len` bytes at guest address `ptr` out of the module's memory. @throws GuestMemoryError */
export function readGuestBytes(
  memory: WebAssembly.Memory,
  ptr: bigint | number,
  len: number,
  what = "buffer",
): Uint8Array {
  const addr = toAddress(ptr, what);
  checkRange(memory, addr, len, what);
  return new Uint8Array(memory.buffer, addr, len).slice();
}

/** Writes `bytes` at guest address `ptr`. @throws GuestMemoryError */
export function writeGuestBytes(
  memory: WebAssembly.Memory,
  ptr: bigint | number,
  bytes: Uint8Array,
  what = "buffer",
): void {
  const addr = toAddress(ptr, what);
  checkRange(memory, addr, bytes.length, what);
  new Uint8Array(memory.buffer, addr, bytes.length).set(bytes);
}

function view(memory: WebAssembly.Memory, addr: number, len: number, what: string): DataView {
  checkRange(memory, addr, len, what);
  return new DataView(memory.buffer, addr, len);
}

/** Reads a little-endian u32 at a guest address. @throws GuestMemoryError */
export function readU32(memory: WebAssembly.Memory, ptr: bigint | number, what = "u32"): number {
  return view(memory, toAddress(ptr, what), 4, what).getUint32(0, true);
}

/** Reads a little-endian i64 at a guest address. @throws GuestMemoryError */
export function readI64(memory: WebAssembly.Memory, ptr: bigint | number, what = "i64"): bigint {
  return view(memory, toAddress(ptr, what), 8, what).getBigInt64(0, true);
}

/** Writes a little-endian u32 at a guest address. @throws GuestMemoryError */
export function writeU32(
  memory: WebAssembly.Memory,
  ptr: bigint | number,
  value: number,
  what = "u32",
): void {
  view(memory, toAddress(ptr, what), 4, what).setUint32(0, value >>> 0, true);
}

/** Reads and bounds-checks the BufferBuilder at `ptr` (its data area and both offset cells). */
export function readBuilder(memory: WebAssembly.Memory, ptr: bigint | number): BuilderView {
  const addr = toAddress(ptr, "buffer builder");
  const v = view(memory, addr, BUFFER_BUILDER_BYTES, "buffer builder");
  const start = toAddress(v.getBigInt64(0, true), "buffer start");
  const capacity = v.getUint32(8, true);
  const lastReadPtr = toAddress(v.getBigInt64(16, true), "buffer read offset");
  const lastWritePtr = toAddress(v.getBigInt64(24, true), "buffer write offset");
  checkRange(memory, start, capacity, "buffer data");
  checkRange(memory, lastReadPtr, 4, "buffer read offset");
  checkRange(memory, lastWritePtr, 4, "buffer write offset");
  return { start, capacity, lastReadPtr, lastWritePtr };
}

/**
 * Allocates a guest buffer with `__frnt__initiate_buffer` and fills it: the bytes at `start`, the write
 * offset = their length, the read offset = 0 (what `BufferBuilder::bytes_written` reads back in the guest).
 * Returns the builder pointer to pass to the export.
 * @throws GuestMemoryError when the guest hands back a builder outside its memory or too small
 * @example
 * const params = writeBuffer(exports, new Uint8Array(0));
 * const origin = writeBuffer(exports, originBytes);
 * const ret = exports.process(params, origin, inbound);
 */
export function writeBuffer(guest: GuestExports, bytes: Uint8Array): bigint {
  const ptr = BigInt(guest.__frnt__initiate_buffer(bytes.length));
  const b = readBuilder(guest.memory, ptr);
  if (b.capacity < bytes.length)
    throw new GuestMemoryError("guest allocated a buffer smaller than requested");
  writeGuestBytes(guest.memory, b.start, bytes, "buffer data");
  writeU32(guest.memory, b.lastReadPtr, 0);
  writeU32(guest.memory, b.lastWritePtr, bytes.length);
  return ptr;
}

/**
 * Writes a contract-style streaming buffer: a u32 little-endian total length, then the bytes, all in one
 * buffer (so the guest never needs `__frnt__fill_buffer` to refill; the host's refill then answers 0 = EOF).
 * Read by `StreamingBuffer::from_ptr` (rust/src/memory/buf.rs), which sets the read offset past the header.
 */
export function writeStreamingBuffer(guest: GuestExports, bytes: Uint8Array): bigint {
  const framed = new Uint8Array(4 + bytes.length);
  new DataView(framed.buffer).setUint32(0, bytes.length, true);
  framed.set(bytes, 4);
  return writeBuffer(guest, framed);
}

/** The bytes a guest wrote into a builder: `start .. start + *last_write`. @throws GuestMemoryError */
export function readWritten(memory: WebAssembly.Memory, ptr: bigint | number): Uint8Array {
  const b = readBuilder(memory, ptr);
  const written = readU32(memory, b.lastWritePtr);
  if (written > b.capacity) throw new GuestMemoryError("buffer write offset exceeds its capacity");
  return readGuestBytes(memory, b.start, written, "buffer data");
}

/**
 * Reads a `DelegateInterfaceResult` (`#[repr(C)] { ptr: i64, size: u32 }`, delegate_interface.rs) at the
 * pointer `process` returned and copies out its serialized bytes (bincode, decoded by the caller).
 */
export function readDelegateResult(memory: WebAssembly.Memory, ptr: bigint | number): Uint8Array {
  const addr = toAddress(ptr, "result");
  const v = view(memory, addr, 12, "result");
  return readGuestBytes(memory, v.getBigInt64(0, true), v.getUint32(8, true), "result bytes");
}

/**
 * Reads a `ContractInterfaceResult` (`#[repr(C)] { ptr: i64, kind: i32, size: u32 }`,
 * contract_interface/wasm_interface.rs): `kind` 0 validate, 1 validate delta, 2 update, 3 summarize, 4 delta.
 */
export function readContractResult(
  memory: WebAssembly.Memory,
  ptr: bigint | number,
): { kind: number; bytes: Uint8Array } {
  const addr = toAddress(ptr, "result");
  const v = view(memory, addr, 16, "result");
  const kind = v.getInt32(8, true);
  return {
    kind,
    bytes: readGuestBytes(memory, v.getBigInt64(0, true), v.getUint32(12, true), "result bytes"),
  };
}
