// File plumbing for `keyward delegations`: streamed reads, backpressured verdict output, import reports.
import { createReadStream, createWriteStream, statSync } from "node:fs";
import type { Command } from "commander";
import { InputRangeError } from "../../errors/input-errors.js";
import { ImportRefusedError } from "../../service/delegation-inputs.js";
import { isJson } from "../context.js";
import { emit } from "../io.js";
import type { ProgressBar } from "../progress.js";

/**
 * Runs an import under its progress bar: on success the bar ends at 100% and the summary is printed; when the
 * import is refused, each bad line goes to stderr (`line N: code: message`) and the error is rethrown.
 */
export async function reportImport(
  bar: ProgressBar,
  cmd: Command,
  run: () => Promise<unknown>,
): Promise<void> {
  try {
    const summary = await run();
    bar.complete(); // a file already imported skips the later passes: the bar still ends at 100%
    bar.stop();
    emit(isJson(cmd), summary);
  } catch (err) {
    bar.stop();
    if (err instanceof ImportRefusedError)
      for (const e of err.errors) process.stderr.write(`line ${e.line}: ${e.code}: ${e.message}\n`);
    throw err;
  }
}

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
