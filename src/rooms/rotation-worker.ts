// Worker thread entry for RotationPool: builds one chunk of member records and wipes its copy of the seed.
import { parentPort } from "node:worker_threads";
import { wipe } from "../crypto/bytes.js";
import { toPublicError } from "../errors/keyward-error.js";
import { buildMemberRecords } from "./member-records.js";

interface Job {
  readonly id: number;
  readonly seed: Uint8Array;
  readonly room: Uint8Array;
  readonly version: number;
  readonly members: string[];
}

parentPort?.on("message", (job: Job) => {
  try {
    const records = buildMemberRecords(job.seed, job.room, job.version, job.members);
    parentPort?.postMessage({ id: job.id, records });
  } catch (err) {
    parentPort?.postMessage({ id: job.id, error: toPublicError(err) });
  } finally {
    wipe(job.seed);
  }
});
