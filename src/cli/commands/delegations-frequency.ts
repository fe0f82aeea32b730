// `keyward delegations import --format frequency FILE`: a one-time dump of Frequency's msa events and Delegation
// storage values (made by scripts/frequency-dump.mjs), with a progress bar over the derive and import passes.
import type { Command } from "commander";
import { InputRangeError } from "../../errors/input-errors.js";
import type { DelegationsService } from "../../service/delegations.js";
import { progressBar } from "../progress.js";
import { fileSize, readChunks, reportImport } from "./delegations-io.js";

/** Flags of `delegations import`. */
export type ImportFlags = { progress?: boolean; batchSize?: string; format?: string };

/** True for `--format frequency`, false for ndjson or no flag. @throws {RangeError} for any other value. */
export function frequencyFormat(format: string | undefined): boolean {
  if (format !== undefined && format !== "ndjson" && format !== "frequency")
    throw new InputRangeError("--format must be ndjson or frequency");
  return format === "frequency";
}

/** Imports the Frequency dump at `file` and prints the summary; refused lines go to stderr. */
export async function importFrequency(
  d: DelegationsService,
  file: string,
  progress: boolean | undefined,
  batchSize: number | undefined,
  cmd: Command,
): Promise<void> {
  const size = fileSize(file, "FILE");
  const bar = progressBar(size, "import", "bytes", progress);
  let done = 0;
  await reportImport(bar, cmd, async () => {
    // Loaded for this command only (the msa decoder and BLAKE3): other delegations commands start without it.
    const { importFrequencyDump } = await import("../../service/frequency-import.js");
    return importFrequencyDump(d, {
      open: () => readChunks(file),
      onProgress: (phase, bytes) => {
        done += bytes;
        bar.advance(bytes, phase);
      },
      // The derived events are read three times (parse, dry run, apply): the bar grows to cover them.
      onDerived: (bytes) => bar.update(done, size + 3 * bytes),
      ...(batchSize === undefined ? {} : { batchSize }),
    });
  });
}
