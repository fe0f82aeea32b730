// Typed records over the state store: codecs that refuse to persist a Secret (DESIGN Invariant 1).
import { findSecret } from "../crypto/secret.js";
import { KeywardError } from "../errors/keyward-error.js";
import type { ScanOptions, StateReader, StateWriter } from "./ports.js";

/** Encodes/decodes one record type to bytes. */
export interface Codec<T> {
  encode(value: T): Uint8Array;
  decode(bytes: Uint8Array): T;
}

const enc = new TextEncoder();
const dec = new TextDecoder("utf-8", { fatal: true });

/**
 * JSON codec for plain records. Refuses any value holding a `Secret` (error `invalid_input` naming the path)
 * so a secret can never be copied into ordinary state. Byte fields should be stored as hex strings.
 */
export function jsonCodec<T>(): Codec<T> {
  return {
    encode(value: T): Uint8Array {
      const path = findSecret(value);
      if (path)
        throw new KeywardError(
          "invalid_input",
          `refusing to write a Secret into the state store (at ${path})`,
        );
      return enc.encode(JSON.stringify(value));
    },
    decode(bytes: Uint8Array): T {
      return JSON.parse(dec.decode(bytes)) as T;
    },
  };
}

/**
 * A typed view of one state table.
 * @example
 * const partitions = new RecordTable<PartitionRecord>("custody.partition");
 * await partitions.put(storage.state, "acme", { name: "acme", epoch: 1 });
 */
export class RecordTable<T> {
  constructor(
    readonly table: string,
    readonly codec: Codec<T> = jsonCodec<T>(),
  ) {}

  async get(store: StateReader, key: string): Promise<T | undefined> {
    const bytes = await store.get(this.table, key);
    return bytes === undefined ? undefined : this.codec.decode(bytes);
  }

  async put(store: StateWriter, key: string, value: T): Promise<void> {
    return store.put(this.table, key, this.codec.encode(value));
  }

  /** Creates only if absent (atomic across instances); false when the key exists. */
  async insert(store: StateWriter, key: string, value: T): Promise<boolean> {
    return store.insert(this.table, key, this.codec.encode(value));
  }

  delete(store: StateWriter, key: string): Promise<boolean> {
    return store.delete(this.table, key);
  }

  async *scan(store: StateReader, options?: ScanOptions): AsyncIterable<{ key: string; value: T }> {
    for await (const e of store.scan(this.table, options))
      yield { key: e.key, value: this.codec.decode(e.value) };
  }
}
