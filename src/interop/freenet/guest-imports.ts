// Host functions a freenet module may import (run inside the sandbox worker): secrets through a per-call
// overlay whose writes leave the worker only when the call returns, the logger, and the contract refill.
//
// Return codes follow freenet-stdlib 0.8.5 `delegate_host.rs` `error_codes`.
import { readGuestBytes, writeGuestBytes } from "./buffer.js";

const ERR_SECRET_NOT_FOUND = -2;
const ERR_STORAGE_FAILED = -3;
const ERR_INVALID_PARAM = -4;
const ERR_BUFFER_TOO_SMALL = -6;
const ERR_MEMORY_BOUNDS = -9;

/** Answers of the main thread to a secret read (see sandbox.ts). */
export interface SecretLookup {
  get(key: Uint8Array): Uint8Array | undefined;
  list(prefix: Uint8Array): Uint8Array[];
}

/** Per-call bounds on what a module may write and log. */
export interface ImportLimits {
  readonly maxSecretBytes: number;
  readonly maxWritesPerCall: number;
  readonly maxLogLines: number;
}

/** One secret change a call made: `value` null = removed. */
export interface SecretWrite {
  readonly key: Uint8Array;
  readonly value: Uint8Array | null;
}

const hex = (b: Uint8Array): string => Buffer.from(b).toString("hex");

/** The mutable per-call state behind the imports. */
export class CallState {
  memory: WebAssembly.Memory | undefined;
  readonly logs: string[] = [];
  /** Overlay: hex(key) → value (null = removed) for writes; reads are cached in `#reads`. */
  readonly #writes = new Map<string, SecretWrite>();
  readonly #reads = new Map<string, Uint8Array | null>();
  readonly #lookup: SecretLookup;
  readonly #limits: ImportLimits;
  /** Set when the module overstepped a per-call bound: the call then fails as a whole. */
  violation: string | undefined;

  constructor(lookup: SecretLookup, limits: ImportLimits) {
    this.#lookup = lookup;
    this.#limits = limits;
  }

  reset(): void {
    this.logs.length = 0;
    this.#writes.clear();
    this.#reads.clear();
    this.violation = undefined;
  }

  writes(): SecretWrite[] {
    return [...this.#writes.values()];
  }

  current(key: Uint8Array): Uint8Array | null {
    const h = hex(key);
    const w = this.#writes.get(h);
    if (w) return w.value;
    if (!this.#reads.has(h)) this.#reads.set(h, this.#lookup.get(key) ?? null);
    return this.#reads.get(h) ?? null;
  }

  put(key: Uint8Array, value: Uint8Array | null): boolean {
    const h = hex(key);
    if (!this.#writes.has(h) && this.#writes.size >= this.#limits.maxWritesPerCall) {
      this.violation = `more than ${this.#limits.maxWritesPerCall} secret writes in one call`;
      return false;
    }
    this.#writes.set(h, { key, value });
    return true;
  }

  keys(prefix: Uint8Array): Uint8Array[] {
    const out = new Map<string, Uint8Array>();
    for (const k of this.#lookup.list(prefix)) out.set(hex(k), k);
    for (const [h, w] of this.#writes) {
      if (w.value === null) out.delete(h);
      else if (startsWith(w.key, prefix)) out.set(h, w.key);
    }
    return [...out.values()];
  }

  get limits(): ImportLimits {
    return this.#limits;
  }
}

function startsWith(a: Uint8Array, prefix: Uint8Array): boolean {
  if (prefix.length > a.length) return false;
  for (let i = 0; i < prefix.length; i++) if (a[i] !== prefix[i]) return false;
  return true;
}

/** Reads guest bytes; a bad pointer/length answers an error code instead of trapping the host. */
function guestBytes(s: CallState, ptr: bigint, len: number): Uint8Array | number {
  if (!s.memory) return ERR_MEMORY_BOUNDS;
  if (len < 0) return ERR_INVALID_PARAM;
  try {
    return readGuestBytes(s.memory, ptr, len, "argument");
  } catch {
    return ERR_MEMORY_BOUNDS;
  }
}

function encodeKeyList(keys: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(keys.reduce((n, k) => n + 4 + k.length, 0));
  const v = new DataView(out.buffer);
  let off = 0;
  for (const k of keys) {
    v.setUint32(off, k.length, true);
    out.set(k, off + 4);
    off += 4 + k.length;
  }
  return out;
}

/** `freenet_delegate_secrets` functions (all of 0.8.5's; a module links only those it imports). */
export function secretImports(s: CallState): Record<string, (...args: never[]) => number> {
  const key = (ptr: bigint, len: number): Uint8Array | number => guestBytes(s, ptr, len);
  return {
    __frnt__delegate__get_secret_len: (kp: bigint, kl: number): number => {
      const k = key(kp, kl);
      if (typeof k === "number") return k;
      return s.current(k)?.length ?? ERR_SECRET_NOT_FOUND;
    },
    __frnt__delegate__get_secret: (kp: bigint, kl: number, op: bigint, ol: number): number => {
      const k = key(kp, kl);
      if (typeof k === "number") return k;
      const v = s.current(k);
      if (!v) return ERR_SECRET_NOT_FOUND;
      if (ol < v.length) return ERR_BUFFER_TOO_SMALL;
      try {
        writeGuestBytes(s.memory as WebAssembly.Memory, op, v, "output");
      } catch {
        return ERR_MEMORY_BOUNDS;
      }
      return v.length;
    },
    __frnt__delegate__has_secret: (kp: bigint, kl: number): number => {
      const k = key(kp, kl);
      if (typeof k === "number") return k;
      return s.current(k) ? 1 : 0;
    },
    __frnt__delegate__set_secret: (kp: bigint, kl: number, vp: bigint, vl: number): number => {
      const k = key(kp, kl);
      if (typeof k === "number") return k;
      if (vl > s.limits.maxSecretBytes || kl > 4096) return ERR_STORAGE_FAILED;
      const v = guestBytes(s, vp, vl);
      if (typeof v === "number") return v;
      return s.put(k, v) ? 0 : ERR_STORAGE_FAILED;
    },
    __frnt__delegate__remove_secret: (kp: bigint, kl: number): number => {
      const k = key(kp, kl);
      if (typeof k === "number") return k;
      if (!s.current(k)) return ERR_SECRET_NOT_FOUND;
      return s.put(k, null) ? 0 : ERR_STORAGE_FAILED;
    },
    __frnt__delegate__list_secrets_len: (pp: bigint, pl: number): number => {
      const p = key(pp, pl);
      if (typeof p === "number") return p;
      return encodeKeyList(s.keys(p)).length;
    },
    __frnt__delegate__list_secrets: (pp: bigint, pl: number, op: bigint, ol: number): number => {
      const p = key(pp, pl);
      if (typeof p === "number") return p;
      const list = encodeKeyList(s.keys(p));
      if (ol < list.length) return ERR_BUFFER_TOO_SMALL;
      try {
        writeGuestBytes(s.memory as WebAssembly.Memory, op, list, "output");
      } catch {
        return ERR_MEMORY_BOUNDS;
      }
      return list.length;
    },
  };
}

/** `freenet_log.__frnt__logger__info(id, ptr, len)`: keeps at most `maxLogLines` lines of ≤ 1 KiB. */
export function logImports(s: CallState): Record<string, (...args: never[]) => void> {
  return {
    __frnt__logger__info: (_id: bigint, ptr: bigint, len: number): void => {
      if (s.logs.length >= s.limits.maxLogLines) return;
      const b = guestBytes(s, ptr, Math.min(Math.max(len, 0), 1024));
      if (typeof b !== "number") s.logs.push(new TextDecoder("utf-8", { fatal: false }).decode(b));
    },
  };
}

/** `freenet_contract_io.__frnt__fill_buffer`: inputs are written whole, so a refill is always EOF (0). */
export function contractIoImports(): Record<string, (...args: never[]) => number> {
  return { __frnt__fill_buffer: (): number => 0 };
}
