// Uploaded DSNP batches for the HTTP service: each body streamed to a temporary file under a size limit
// (Parquet needs random access: the footer is at the end), validated there, and its verdicts kept for a while
// as a download. Files live in one private temporary directory, removed on close.
import { randomBytes } from "node:crypto";
import { createReadStream, createWriteStream } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Readable } from "node:stream";
import type { DsnpValidationSummary } from "../delegations/dsnp-validate.js";
import { KeywardError } from "../errors/keyward-error.js";
import type { DelegationsService } from "./delegations.js";
import { type DsnpFileOptions, validateDsnpFile } from "./dsnp-batches.js";

/** How long a verdicts download is kept, and how many at most (the oldest go first). */
export const VERDICTS_TTL_MS = 15 * 60_000;
export const MAX_KEPT_VERDICTS = 64;

/**
 * Writes `body` to `path`, refusing it past `limit` bytes. On refusal the rest of the body is read and dropped
 * (not written) so the client still gets the 413 instead of a reset connection.
 */
function receive(body: Readable, path: string, limit: number): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const file = createWriteStream(path);
    let size = 0;
    let failed = false;
    const fail = (err: unknown) => {
      if (failed) return;
      failed = true;
      body.unpipe(file);
      file.destroy();
      body.resume(); // drain and drop whatever is still coming
      reject(err);
    };
    body.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit && !failed)
        fail(new KeywardError("payload_too_large", `the batch file is larger than ${limit} bytes`));
    });
    body.once("error", fail);
    file.once("error", fail);
    file.once("finish", () => {
      if (!failed) resolve();
    });
    body.pipe(file);
  });
}

/** A validation's summary and where its verdicts can be fetched. */
export interface UploadValidation extends DsnpValidationSummary {
  readonly verdicts: { readonly id: string; readonly expiresAt: string };
}

/**
 * Receives uploads and keeps verdict files.
 * @example
 * const uploads = await DsnpUploads.open(delegations);
 * const r = await uploads.validate(req.raw, 16 << 20, { provider: 1, at: 400 });
 * uploads.verdicts(r.verdicts.id); // a Readable of NDJSON
 */
export class DsnpUploads {
  readonly #kept = new Map<string, { path: string; expires: number }>();

  private constructor(
    private readonly delegations: DelegationsService,
    private readonly dir: string,
  ) {}

  static async open(delegations: DelegationsService): Promise<DsnpUploads> {
    return new DsnpUploads(delegations, await mkdtemp(join(tmpdir(), "keyward-dsnp-uploads-")));
  }

  /**
   * Streams `body` to a file (refused past `limit` bytes), validates it as a DSNP batch and keeps its verdicts.
   * @throws KeywardError `payload_too_large` past the limit; {RangeError} for a file that is not a DSNP batch.
   */
  async validate(
    body: Readable,
    limit: number,
    options: Omit<DsnpFileOptions, "write" | "onOpen" | "onProgress">,
  ): Promise<UploadValidation> {
    this.#expire();
    const id = randomBytes(16).toString("base64url");
    const upload = join(this.dir, `${id}.parquet`);
    const out = join(this.dir, `${id}.ndjson`);
    try {
      await receive(body, upload, limit);
      const verdicts = createWriteStream(out);
      let summary: DsnpValidationSummary;
      try {
        summary = await validateDsnpFile(this.delegations, upload, {
          ...options,
          write: (c) => (verdicts.write(c) ? undefined : new Promise<void>((r) => verdicts.once("drain", r))),
        });
      } finally {
        await new Promise<void>((r) => verdicts.end(r));
      }
      const expires = Date.now() + VERDICTS_TTL_MS;
      this.#kept.set(id, { path: out, expires });
      while (this.#kept.size > MAX_KEPT_VERDICTS) this.#drop(this.#kept.keys().next().value!);
      return { ...summary, verdicts: { id, expiresAt: new Date(expires).toISOString() } };
    } catch (err) {
      await rm(out, { force: true });
      throw err;
    } finally {
      await rm(upload, { force: true });
    }
  }

  /**
   * The verdicts (NDJSON) of a kept validation.
   * @throws KeywardError `not_found` for an unknown or expired id.
   */
  verdicts(id: string): Readable {
    this.#expire();
    const kept = this.#kept.get(id);
    if (!kept) throw new KeywardError("not_found", "no such validation (verdicts are kept 15 minutes)");
    return createReadStream(kept.path);
  }

  /** Removes every kept file. */
  async close(): Promise<void> {
    this.#kept.clear();
    await rm(this.dir, { recursive: true, force: true });
  }

  #expire(): void {
    const now = Date.now();
    for (const [id, k] of this.#kept) if (k.expires <= now) this.#drop(id);
  }

  #drop(id: string): void {
    const k = this.#kept.get(id);
    this.#kept.delete(id);
    if (k) void rm(k.path, { force: true });
  }
}
