// File plumbing for `keyward delegations`: streamed reads and backpressured verdict output.
import { createReadStream, createWriteStream, statSync } from "node:fs";
import { InputRangeError } from "../../errors/input-errors.js";

/** Size of a readable regular file, or a bad-input error naming the flag/argument. */
export function fileSize(path: string, name: string): number {
  try {
    const st = statSync(path);
    if (!st.isFile()) throw new Error("not a file");
    return st.size;
  } catch {
    throw new InputRangeError(`${name}: cannot read file ${path}`);
  }
}

/** Opens `path` as a stream of 1 MiB chunks. */
export function readChunks(path: string): AsyncIterable<Uint8Array> {
  return createReadStream(path, { highWaterMark: 1 << 20 });
}

/** A text sink to a file that respects backpressure, and a `close()` that waits until everything is written. */
export function fileSink(path: string): { write(chunk: string): Promise<void>; close(): Promise<void> } {
  const out = createWriteStream(path);
  const failed = new Promise<never>((_, reject) =>
    out.once("error", () => reject(new InputRangeError(`--out: cannot write file ${path}`))),
  );
  failed.catch(() => undefined);
  return {
    async write(chunk) {
      if (!out.write(chunk))
        await Promise.race([new Promise<void>((r) => out.once("drain", () => r())), failed]);
    },
    async close() {
      await Promise.race([new Promise<void>((r) => out.end(r)), failed]);
    },
  };
}
