// `delegations import --format frequency`: a one-time dump of Frequency's msa events and Delegation storage values
// becomes keyward events (derived once into a temporary NDJSON file), imported through the ordinary resumable
// NDJSON import; the dump's providers then answer with Frequency's inclusive reading by default.
import { once } from "node:events";
import { createReadStream, createWriteStream } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { blake3 } from "@noble/hashes/blake3.js";
import { bytesToHex } from "../crypto/bytes.js";
import { FrequencyHistory } from "../delegations/frequency-history.js";
import {
  ImportRefusedError,
  importEvents,
  type LineError,
  MAX_REPORTED,
} from "../delegations/import-events.js";
import { forEachLine } from "../delegations/lines.js";
import { setProviderSemantics } from "../delegations/semantics.js";
import { parseMsaRecord } from "../interop/frequency/msa-records.js";
import type { DelegationsService } from "./delegations.js";

/** Options of `importFrequencyDump`. */
export interface FrequencyImportOptions {
  /** Opens the dump (NDJSON, docs/delegations.md "Frequency dump"); it is read once. */
  readonly open: () => AsyncIterable<Uint8Array>;
  /** Progress: "derive" counts dump bytes, then "parse" | "check" | "apply" count derived bytes (3 passes). */
  readonly onProgress?: (phase: "derive" | "parse" | "check" | "apply", bytes: number) => void;
  /** Called once the derived events are written, with their size in bytes (a progress bar's new total). */
  readonly onDerived?: (bytes: number) => void;
  readonly batchSize?: number;
  /** Where the derived events are written while importing (default: the OS temporary directory). */
  readonly tmpDir?: string;
}

/** Totals of a Frequency import. */
export interface FrequencyImportSummary {
  readonly format: "frequency";
  /** Lines of the dump (blank lines included) and msa records in it. */
  readonly lines: number;
  readonly records: number;
  /** msa events that change no delegation (MsaCreated, ProviderCreated, key events, …). */
  readonly ignored: number;
  readonly retired: number;
  /** Providers that now answer with Frequency's reading by default. */
  readonly providers: number;
  /** keyward events derived from the dump, applied now, and already applied (an earlier run of the same dump). */
  readonly events: number;
  readonly applied: number;
  readonly duplicates: number;
  /** BLAKE3 of the dump (hex). */
  readonly fileHash: string;
}

/**
 * Imports a Frequency msa dump: pass 1 parses every line and derives keyward events (FrequencyHistory) into a
 * temporary file, refusing the whole dump on any bad line (up to 20 syntax errors, or the first line that
 * contradicts the others); the events are then imported like an NDJSON file (dry run, then resumable batches).
 * Re-running the same dump after an interruption resumes; re-running a finished one applies nothing.
 * @throws ImportRefusedError naming dump lines; nothing is applied by a refused run.
 * @example await importFrequencyDump(delegations, { open: () => createReadStream("msa-dump.ndjson") });
 */
export async function importFrequencyDump(
  delegations: DelegationsService,
  options: FrequencyImportOptions,
): Promise<FrequencyImportSummary> {
  const dir = await mkdtemp(join(options.tmpDir ?? tmpdir(), "keyward-frequency-"));
  try {
    const derivedPath = join(dir, "events.ndjson");
    const out = createWriteStream(derivedPath);
    const errors: LineError[] = [];
    const history = new FrequencyHistory();
    const hasher = blake3.create();
    // lineOf[k] = the dump line that derived event line k+1 came from (to name dump lines in refusals).
    let lineOf = new Float64Array(1 << 16);
    let derivedLines = 0;
    let pending = "";
    const lines = await forEachLine(
      options.open(),
      (text, line) => {
        if (text.trim().length === 0) return;
        try {
          const record = parseMsaRecord(JSON.parse(text));
          if (errors.length) return; // after a bad line only syntax is checked: the derived state is unreliable
          for (const e of history.feed(record)) {
            if (derivedLines === lineOf.length) {
              const grown = new Float64Array(lineOf.length * 2);
              grown.set(lineOf);
              lineOf = grown;
            }
            lineOf[derivedLines++] = line;
            pending += `${JSON.stringify(e)}\n`;
          }
        } catch (err) {
          if (errors.length < MAX_REPORTED)
            errors.push({
              line,
              code: "invalid_input",
              message: err instanceof SyntaxError ? "not valid JSON" : (err as Error).message,
            });
        }
      },
      async (chunk) => {
        hasher.update(chunk);
        options.onProgress?.("derive", chunk.length);
        if (pending.length > 0 && !out.write(pending)) await once(out, "drain");
        pending = "";
      },
    );
    out.end(pending);
    await once(out, "finish");
    if (errors.length) throw new ImportRefusedError(errors);
    options.onDerived?.(out.bytesWritten);

    let summary: Awaited<ReturnType<typeof importEvents>>;
    try {
      summary = await importEvents(delegations.store, {
        open: () => createReadStream(derivedPath, { highWaterMark: 1 << 20 }),
        ...(options.onProgress ? { onProgress: options.onProgress } : {}),
        ...(options.batchSize === undefined ? {} : { batchSize: options.batchSize }),
      });
    } catch (err) {
      // Refusals name derived lines: name the dump lines they came from instead.
      if (err instanceof ImportRefusedError)
        throw new ImportRefusedError(err.errors.map((e) => ({ ...e, line: lineOf[e.line - 1] ?? e.line })));
      throw err;
    }
    const t = history.totals;
    await delegations.storage.transaction((tx) => setProviderSemantics(tx.state, t.providers, "frequency"));
    return {
      format: "frequency",
      lines,
      records: t.records,
      ignored: t.ignored,
      retired: t.retired,
      providers: t.providers.size,
      events: summary.events,
      applied: summary.applied,
      duplicates: summary.duplicates,
      fileHash: bytesToHex(hasher.digest()),
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
