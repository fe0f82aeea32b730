// Parallel member-record building for large rotations: the calling thread plus worker threads, one chunk each.
import { Worker } from "node:worker_threads";
import { assertInteger } from "../crypto/assert.js";
import { KeywardError } from "../errors/keyward-error.js";
import { buildMemberRecords } from "./member-records.js";
import type { MemberRecord } from "./records.js";

/** Below this many members a rotation stays on the calling thread (worker hand-off costs more). */
export const PARALLEL_THRESHOLD = 1024;

interface Reply {
  readonly id: number;
  readonly records?: MemberRecord[];
  readonly error?: { code: string; message: string };
}

/**
 * Starts one worker. From the TypeScript sources (tests, `node --import tsx`, the bin in a checkout) the
 * worker registers tsx itself first: loader flags in a worker's execArgv are not honoured on Node 20.
 */
function startWorker(): Worker {
  if (!import.meta.url.endsWith(".ts")) return new Worker(new URL("./rotation-worker.js", import.meta.url));
  const api = import.meta.resolve("tsx/esm/api");
  const entry = new URL("./rotation-worker.ts", import.meta.url).href;
  const boot = `import(${JSON.stringify(api)}).then((m) => { m.register(); return import(${JSON.stringify(entry)}); });`;
  return new Worker(boot, { eval: true });
}

/**
 * Builds member records with `threads` threads in total (the caller's plus `threads − 1` workers started
 * lazily and kept until `close()`). Output is identical to `buildMemberRecords` in one thread.
 * @example
 * const pool = new RotationPool(2);
 * const records = await pool.build(seed, room, 7, members);
 * await pool.close();
 */
export class RotationPool {
  readonly threads: number;
  #workers: Worker[] = [];
  #next = 0;
  #pending = new Map<number, { resolve(r: MemberRecord[]): void; reject(e: unknown): void }>();

  constructor(threads = 1) {
    assertInteger(threads, 1, 64, "threads");
    this.threads = threads;
  }

  #ensureWorkers(): Worker[] {
    while (this.#workers.length < this.threads - 1) {
      const w = startWorker();
      w.on("message", (reply: Reply) => {
        const p = this.#pending.get(reply.id);
        if (!p) return;
        this.#pending.delete(reply.id);
        w.unref(); // idle workers never keep the process alive

        if (reply.error) p.reject(new KeywardError(reply.error.code as never, reply.error.message));
        else p.resolve(reply.records ?? []);
      });
      w.on("error", () => {
        for (const p of this.#pending.values())
          p.reject(new KeywardError("internal", "rotation worker failed"));
        this.#pending.clear();
      });
      w.unref();
      this.#workers.push(w);
    }
    return this.#workers;
  }

  /** Starts the workers now (so a later rotation does not pay their start-up). */
  warm(): void {
    if (this.threads > 1) this.#ensureWorkers();
  }

  /**
   * Member records for `members` at `version` (same order as `members`). The seed is copied to each
   * worker, which wipes its copy when done.
   */
  async build(
    seed: Uint8Array,
    room: Uint8Array,
    version: number,
    members: readonly string[],
  ): Promise<MemberRecord[]> {
    if (this.threads === 1 || members.length < PARALLEL_THRESHOLD)
      return buildMemberRecords(seed, room, version, members);
    const workers = this.#ensureWorkers();
    const size = Math.ceil(members.length / this.threads);
    const jobs = workers.map((w, i) => {
      const chunk = members.slice((i + 1) * size, (i + 2) * size);
      const id = this.#next++;
      return new Promise<MemberRecord[]>((resolve, reject) => {
        this.#pending.set(id, { resolve, reject });
        w.ref();
        w.postMessage({ id, seed: Uint8Array.from(seed), room, version, members: chunk });
      });
    });
    const mine = buildMemberRecords(seed, room, version, members.slice(0, size));
    const rest = await Promise.all(jobs);
    return mine.concat(...rest);
  }

  /** Stops the workers. */
  async close(): Promise<void> {
    const ws = this.#workers;
    this.#workers = [];
    await Promise.all(ws.map((w) => w.terminate()));
  }
}
