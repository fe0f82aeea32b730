// Ed25519 signing on worker threads (libsodium there too): seeds travel through shared slots, not message copies.
import { createRequire } from "node:module";
import { availableParallelism } from "node:os";
import { Worker } from "node:worker_threads";
import { KeywardError } from "../errors/keyward-error.js";
import { assertBytes, assertInteger } from "./assert.js";
import { ed25519Sign } from "./ed25519.js";
import { SIGN_WORKER_SOURCE } from "./sign-worker-source.js";
import { sodium } from "./sodium.js";

/** Jobs sent to a worker in one message (and answered in one): the worker starts on the first ones early. */
const CHUNK = 8;
/** Longest `help` blocks for the one signature a worker is making (it takes ~40 µs; a descheduled worker). */
const WAIT_MS = 2;
/** Slot states (Int32Array over a SharedArrayBuffer, shared with the workers). */
const FREE = 0;
const READY = 1; // holds a seed
const WORKER = 2; // taken by a worker, which is signing it
const CALLER = 3; // taken by the calling thread (`help`)
const SIGNED = 4; // the worker wrote the signature to the slot's result and zeroed the seed

interface Job {
  readonly slot: number;
  /** Resolved or rejected already (by the worker's answer, by `help`, or on a failure). */
  settled: boolean;
  readonly message: Uint8Array;
  readonly resolve: (signature: Uint8Array) => void;
  readonly reject: (err: unknown) => void;
}

interface Member {
  readonly worker: Worker;
  /** Jobs sent and not yet answered, by request id. */
  readonly inFlight: Map<number, Job[]>;
  retired: boolean;
}

/** Options of `Ed25519SignPool`. */
export interface Ed25519SignPoolOptions {
  /** Worker threads (0 = every signature inline). Default: `defaultSignWorkers()`. */
  readonly workers?: number;
  /** Seed slots, i.e. signatures in flight at most; beyond them a signature is made inline. Default 512. */
  readonly slots?: number;
  /** Test hook: the worker's source (default the real signer), e.g. one that crashes. */
  readonly workerSource?: string;
}

/**
 * Worker threads of a sign pool by default: one when the machine has a core to spare, none on one core.
 * More do not pay for one custody instance: its main thread (paths, derivation, audit entries) is the limit.
 */
export function defaultSignWorkers(): number {
  return Math.max(0, Math.min(1, availableParallelism() - 1));
}

/**
 * Signs (seed, message) pairs with Ed25519 on worker threads, byte-identical to `ed25519Sign`.
 * Key hygiene: a seed is copied into a slot of a SharedArrayBuffer (never into a postMessage clone); the
 * caller wipes its own copy right after `sign` returns; the worker zeroes the slot as soon as libsodium has
 * expanded it and zeroes its guarded secret-key buffer right after each signature. Signatures come back
 * through shared result slots; `help()` lets the calling thread sign what no worker has started instead of
 * waiting. Workers start on first use, never keep the process alive while idle, and `close()` stops them. A
 * worker that stops fails the signatures pending on it (KeywardError `internal`); with no worker left the
 * pool signs inline, as it does without libsodium or with 0 workers.
 * @example
 * const pool = new Ed25519SignPool();
 * const pending = pool.sign(seed, message);
 * wipe(seed);
 * pool.flush();
 * pool.help(); // where this thread would wait anyway
 * const signature = await pending;
 */
export class Ed25519SignPool {
  readonly #size: number;
  readonly #source: string;
  readonly #seedBuffer: SharedArrayBuffer;
  readonly #stateBuffer: SharedArrayBuffer;
  readonly #resultBuffer: SharedArrayBuffer;
  readonly #seeds: Uint8Array;
  readonly #results: Uint8Array;
  readonly #states: Int32Array;
  readonly #free: number[];
  #members: Member[] = [];
  #queue: Job[] = [];
  #scheduled = false;
  #next = 0;
  #started = false;
  #stopped = false;

  constructor(options: Ed25519SignPoolOptions = {}) {
    const workers = options.workers ?? defaultSignWorkers();
    assertInteger(workers, 0, 64, "options.workers");
    const slots = options.slots ?? 512;
    assertInteger(slots, 1, 65536, "options.slots");
    this.#size = sodium ? workers : 0;
    this.#source = options.workerSource ?? SIGN_WORKER_SOURCE;
    this.#seedBuffer = new SharedArrayBuffer(32 * slots);
    this.#stateBuffer = new SharedArrayBuffer(4 * slots);
    this.#resultBuffer = new SharedArrayBuffer(64 * slots);
    this.#seeds = new Uint8Array(this.#seedBuffer);
    this.#results = new Uint8Array(this.#resultBuffer);
    this.#states = new Int32Array(this.#stateBuffer);
    this.#free = Array.from({ length: slots }, (_, i) => slots - 1 - i);
  }

  /** Whether signatures go to a worker (false with 0 workers, without libsodium, after a crash or close). */
  get active(): boolean {
    return this.#size > 0 && !this.#stopped && (!this.#started || this.#members.length > 0);
  }

  /**
   * Queues one signature; the seed is copied into a shared slot before this returns (wipe yours then). Jobs
   * are sent in chunks, and on the next turn at the latest (`flush` sends them now).
   * @throws TypeError / RangeError for a seed that is not 32 bytes or a message that is not bytes.
   */
  sign(seed: Uint8Array, message: Uint8Array): Promise<Uint8Array> {
    assertBytes(seed, 32, "seed");
    assertBytes(message, undefined, "message");
    const slot = this.active ? this.#free.pop() : undefined;
    if (slot === undefined) return Promise.resolve(ed25519Sign(seed, message));
    this.#seeds.set(seed, 32 * slot);
    Atomics.store(this.#states, slot, READY); // publishes the seed bytes to the worker that checks this state
    return new Promise<Uint8Array>((resolve, reject) => {
      this.#queue.push({ slot, message, resolve, reject, settled: false });
      if (this.#queue.length >= CHUNK) this.flush();
      else if (!this.#scheduled) {
        this.#scheduled = true;
        setImmediate(() => this.flush());
      }
    });
  }

  /** Sends every queued job to a worker now (signed inline from their slots when no worker is left). */
  flush(): void {
    this.#scheduled = false;
    if (this.#queue.length === 0) return;
    const jobs = this.#queue;
    this.#queue = [];
    const member = this.#pick();
    if (!member) {
      for (const job of jobs) this.#signFromSlot(job, true);
      return;
    }
    const offsets = new Uint32Array(jobs.length + 1);
    for (const [i, job] of jobs.entries()) offsets[i + 1] = offsets[i]! + job.message.length;
    const data = new Uint8Array(offsets[jobs.length]!);
    for (const [i, job] of jobs.entries()) data.set(job.message, offsets[i]);
    const slots = Uint32Array.from(jobs, (j) => j.slot);
    const id = this.#next++;
    if (member.inFlight.size === 0) member.worker.ref(); // a pending signature keeps the process alive
    member.inFlight.set(id, jobs);
    member.worker.postMessage({ id, slots, offsets, data }, [slots.buffer, offsets.buffer, data.buffer]);
  }

  /**
   * Settles every pending signature now, where this thread would otherwise wait for them: signs on this
   * thread, newest first, each job no worker has started (and any not sent), takes the ones a worker finished
   * from their shared result slots, and blocks (Atomics.wait, at most WAIT_MS in all) for the one a worker
   * is making. A worker slow to get a core then costs nothing; one that keeps up leaves nothing to take. What
   * is still unsettled (a stalled worker) settles with the worker's answer or its failure.
   */
  help(): void {
    for (const job of this.#queue.splice(0).reverse()) this.#signFromSlot(job, true);
    const sent = this.#members.flatMap((m) => [...m.inFlight.values()].flat());
    for (let i = sent.length - 1; i >= 0; i--) {
      const job = sent[i]!;
      // Taking a slot (READY → CALLER) races a worker's own take (READY → WORKER): exactly one signs it.
      if (!job.settled && Atomics.compareExchange(this.#states, job.slot, READY, CALLER) === READY)
        this.#signFromSlot(job, false);
    }
    let stalled = false; // after one wait timed out, the rest settles asynchronously
    for (const job of sent) {
      if (job.settled) continue;
      if (!stalled && Atomics.load(this.#states, job.slot) === WORKER)
        stalled = Atomics.wait(this.#states, job.slot, WORKER, WAIT_MS) === "timed-out";
      this.#take(job);
    }
  }

  /** Test hook: whether every seed slot is zero (it must be once every signature sent settled). */
  seedSlotsAreZero(): boolean {
    return this.#seeds.every((b) => b === 0);
  }

  /** Live worker threads (0 before the first signature sent to one, after a crash and after `close`). */
  get workers(): number {
    return this.#members.length;
  }

  /** Stops the workers: pending signatures reject with KeywardError `unavailable`; later ones are inline. */
  close(): void {
    this.#stopped = true;
    const closed = () => new KeywardError("unavailable", "the Ed25519 sign pool was closed");
    for (const m of this.#members) this.#retire(m, closed());
    for (const job of this.#queue.splice(0)) this.#fail(job, closed(), true);
    this.#seeds.fill(0);
  }

  /** The next worker (round robin), starting them on first use; undefined when none is left. */
  #pick(): Member | undefined {
    if (!this.#started && !this.#stopped) {
      this.#started = true;
      for (let i = 0; i < this.#size; i++) {
        try {
          this.#members.push(this.#start());
        } catch {
          break; // a worker that cannot start (e.g. out of threads): the rest is signed inline
        }
      }
    }
    if (this.#members.length === 0) return undefined;
    return this.#members[this.#next % this.#members.length];
  }

  #start(): Member {
    const worker = new Worker(this.#source, {
      eval: true,
      workerData: {
        base: import.meta.url,
        sodiumPath: createRequire(import.meta.url).resolve("sodium-native"),
        seeds: this.#seedBuffer,
        states: this.#stateBuffer,
        results: this.#resultBuffer,
      },
    });
    const member: Member = { worker, inFlight: new Map(), retired: false };
    worker.unref(); // an idle worker never keeps the process alive
    worker.on("message", (id: number) => this.#answer(member, id));
    const stopped = (reason: string) =>
      this.#retire(
        member,
        new KeywardError(
          "internal",
          `the Ed25519 sign worker stopped (${reason}): its pending signatures failed; signing continues inline`,
        ),
      );
    worker.on("error", (err) => stopped(err instanceof Error ? err.message : String(err)));
    worker.on("messageerror", () => stopped("a message could not be read"));
    worker.on("exit", (code) => stopped(`exit code ${code}`));
    return member;
  }

  /** A worker finished a chunk: settles its jobs (those `help` did not) and frees their slots. */
  #answer(member: Member, id: number): void {
    const jobs = member.inFlight.get(id);
    if (!jobs) return;
    member.inFlight.delete(id);
    if (member.inFlight.size === 0) member.worker.unref();
    for (const job of jobs) {
      this.#take(job);
      Atomics.store(this.#states, job.slot, FREE); // its seed was zeroed by the worker or by `help`
      this.#free.push(job.slot);
    }
  }

  /** Resolves an unsettled job whose slot a worker has signed, with a copy of the signature. */
  #take(job: Job): void {
    if (job.settled || Atomics.load(this.#states, job.slot) !== SIGNED) return;
    job.settled = true;
    job.resolve(this.#results.slice(64 * job.slot, 64 * job.slot + 64));
  }

  /**
   * Takes a worker out of the pool (once), stops it and fails what it had in flight. Those slots are wiped
   * but never reused: a stopping worker might still read one.
   */
  #retire(member: Member, err: KeywardError): void {
    if (member.retired) return;
    member.retired = true;
    this.#members = this.#members.filter((m) => m !== member);
    for (const jobs of member.inFlight.values()) for (const job of jobs) this.#fail(job, err, false);
    member.inFlight.clear();
    member.worker.unref();
    void member.worker.terminate().catch(() => undefined);
  }

  /** Wipes a job's slot (freeing it when `free`), then rejects the job unless it was settled. */
  #fail(job: Job, err: unknown, free: boolean): void {
    this.#seeds.fill(0, 32 * job.slot, 32 * job.slot + 32);
    if (free) {
      Atomics.store(this.#states, job.slot, FREE);
      this.#free.push(job.slot);
    }
    if (job.settled) return;
    job.settled = true;
    job.reject(err);
  }

  /**
   * Signs a job on this thread from its slot and wipes the slot. `free`: the job was never sent, so the slot
   * is free again now; otherwise it stays taken (CALLER) until the worker's answer for its chunk.
   */
  #signFromSlot(job: Job, free: boolean): void {
    const seed = this.#seeds.subarray(32 * job.slot, 32 * job.slot + 32);
    job.settled = true;
    try {
      job.resolve(ed25519Sign(seed, job.message));
    } catch (err) {
      job.reject(err);
    } finally {
      seed.fill(0);
      if (free) {
        Atomics.store(this.#states, job.slot, FREE);
        this.#free.push(job.slot);
      }
    }
  }
}
