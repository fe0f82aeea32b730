// The custody routes (/v1/partitions: partitions, identity keys, signing, lifecycle, MSK rotation), one module per endpoint.
import type { RouteModule } from "../../route-kit.js";
import { createPartition } from "./create-partition.js";
import { identityHistory } from "./identity-history.js";
import { identityKey } from "./identity-key.js";
import { identityLifecycle } from "./identity-lifecycle.js";
import { identitySign } from "./identity-sign.js";
import { identitySignBatch } from "./identity-sign-batch.js";
import { importLegacyKey } from "./import-legacy-key.js";
import { listPartitions } from "./list-partitions.js";
import { rotateMsk } from "./rotate-msk.js";

/** /v1/partitions: partitions, identity keys (key, sign, lifecycle, history, legacy import/remap), MSK rotation. */
export const custodyRoutes: readonly RouteModule[] = [
  createPartition,
  listPartitions,
  identityKey,
  identitySign,
  identitySignBatch,
  identityHistory,
  identityLifecycle,
  importLegacyKey,
  rotateMsk,
];
