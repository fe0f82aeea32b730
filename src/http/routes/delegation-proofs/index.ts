// The routes of /v1/delegations checkpoints and proofs, one module per endpoint.
import type { RouteModule } from "../../route-kit.js";
import { delegationCheckpoint } from "./delegation-checkpoint.js";
import { delegationProof } from "./delegation-proof.js";
import { verifyDelegationProof } from "./verify-delegation-proof.js";

/** /v1/delegations checkpoints and proofs: sign a checkpoint, prove one key's history, verify a proof offline. */
export const delegationProofRoutes: readonly RouteModule[] = [
  delegationCheckpoint,
  delegationProof,
  verifyDelegationProof,
];
