// Wires DSNP batch validation: a Parquet file on disk (random access, never loaded whole) checked against the
// delegation index under the provider's default reading (Frequency's for providers imported from Frequency).
import { open } from "node:fs/promises";
import type { DsnpValidateOptions, DsnpValidationSummary } from "../delegations/dsnp-validate.js";
import { type DelegationId, normalizeId } from "../delegations/ids.js";
import { providerSemantics, type Semantics } from "../delegations/semantics.js";
import { InputRangeError } from "../errors/input-errors.js";
import type { AsyncBuffer } from "../interop/dsnp/batch-reader.js";
import type { DelegationsService } from "./delegations.js";

/** Parquet files start (and end) with these four bytes. */
export const PARQUET_MAGIC = "PAR1";

/** Options of `validateDsnpFile` (semantics: default = the provider's recorded reading). */
export interface DsnpFileOptions extends Omit<DsnpValidateOptions, "semantics" | "provider"> {
  readonly provider: DelegationId;
  readonly semantics?: Semantics;
  /** Called once the footer is read, with the number of rows (progress bars). */
  readonly onOpen?: (rows: number) => void;
}

/** True when the file at `path` starts with the Parquet magic bytes. */
export async function isParquetFile(path: string): Promise<boolean> {
  const fh = await open(path, "r").catch(() => undefined);
  if (!fh) return false;
  try {
    const b = Buffer.alloc(4);
    const { bytesRead } = await fh.read(b, 0, 4, 0);
    return bytesRead === 4 && b.toString("latin1") === PARQUET_MAGIC;
  } finally {
    await fh.close();
  }
}

/**
 * Validates the DSNP batch file at `path` row by row (see `validateDsnpBatch`); the file is read by byte ranges
 * (footer, then the fromId and announcementType column chunks), so memory does not grow with the file.
 * @throws {RangeError} for a file that cannot be read or is not a DSNP batch (wrong columns, > 131,072 rows).
 * @example await validateDsnpFile(delegations, "batch.parquet", { provider: 1, at: 400, intent: 5 });
 */
export async function validateDsnpFile(
  delegations: DelegationsService,
  path: string,
  options: DsnpFileOptions,
): Promise<DsnpValidationSummary> {
  const fh = await open(path, "r").catch(() => {
    throw new InputRangeError(`FILE: cannot read file ${path}`);
  });
  try {
    const { size } = await fh.stat();
    const file: AsyncBuffer = {
      byteLength: size,
      async slice(start: number, end = size) {
        const b = new Uint8Array(Math.max(0, end - start));
        let done = 0;
        while (done < b.length) {
          const { bytesRead } = await fh.read(b, done, b.length - done, start + done);
          if (bytesRead === 0) break;
          done += bytesRead;
        }
        return b.buffer;
      },
    };
    // The Parquet reader (hyparquet, ~65 modules) loads only here: `delegations check` and CSV runs skip it.
    const [{ DsnpBatch }, { validateDsnpBatch }] = await Promise.all([
      import("../interop/dsnp/batch-reader.js"),
      import("../delegations/dsnp-validate.js"),
    ]);
    const batch = await DsnpBatch.open(file);
    options.onOpen?.(batch.info.rows);
    const provider = normalizeId(options.provider, "provider");
    const intent = options.intent === undefined ? undefined : normalizeId(options.intent, "intent");
    const semantics = options.semantics ?? (await providerSemantics(delegations.storage.state, provider));
    return await validateDsnpBatch(delegations.store.index, batch, {
      ...options,
      provider,
      ...(intent === undefined ? {} : { intent }),
      semantics,
    });
  } finally {
    await fh.close();
  }
}

/**
 * Each provider's default reading (`keyward`, or `frequency` for providers imported from Frequency), cached per
 * instance for `ttlMs` (1 s, like token records), so the HTTP check path stays synchronous for most providers.
 */
export class ProviderReadings {
  readonly #cache = new Map<string | number, { readonly at: number; readonly reading: Semantics }>();

  constructor(
    private readonly delegations: DelegationsService,
    private readonly ttlMs = 1000,
  ) {}

  /** The cached reading of `provider`, or undefined when it must be loaded first. */
  peek(provider: DelegationId): Semantics | undefined {
    const hit = this.#cache.get(normalizeId(provider, "provider"));
    return hit && Date.now() - hit.at < this.ttlMs ? hit.reading : undefined;
  }

  /** Loads (and caches) the reading of `provider`. */
  async load(provider: DelegationId): Promise<Semantics> {
    const id = normalizeId(provider, "provider");
    const reading = await providerSemantics(this.delegations.storage.state, id);
    if (this.#cache.size > 10_000) this.#cache.clear();
    this.#cache.set(id, { at: Date.now(), reading });
    return reading;
  }
}
