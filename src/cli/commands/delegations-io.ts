// File plumbing for `keyward delegations`: streamed reads, backpressured verdict output, progress bars.
import { createReadStream, createWriteStream, statSync } from "node:fs";
import { SingleBar } from "cli-progress";
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

/**
 * A progress bar on stderr when stderr is a terminal or `forced` (--progress); otherwise a no-op. `advance`
 * takes bytes; `stop` clears the line.
 */
export function progressBar(
  total: number,
  label: string,
  forced: boolean | undefined,
): { advance(bytes: number, phase?: string): void; stop(): void } {
  if (!forced && !process.stderr.isTTY) return { advance: () => undefined, stop: () => undefined };
  const bar = new SingleBar(
    {
      stream: process.stderr,
      format: `${label} {phase} [{bar}] {percentage}% | {value}/{total} bytes | ETA {eta}s`,
      noTTYOutput: true,
      notTTYSchedule: 500,
      hideCursor: true,
    },
    undefined,
  );
  bar.start(Math.max(total, 1), 0, { phase: "" });
  return {
    advance(bytes, phase) {
      bar.increment(bytes, phase === undefined ? {} : { phase });
    },
    stop() {
      bar.stop();
    },
  };
}
