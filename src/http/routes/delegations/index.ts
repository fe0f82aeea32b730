// The /v1/delegations routes (grant, revoke, events, import, check, history, compare, validate), one module per endpoint.
import type { RouteModule } from "../../route-kit.js";
import { checkDelegation } from "./check-delegation.js";
import { compareDelegation } from "./compare-delegation.js";
import { delegationHistory } from "./delegation-history.js";
import { grantDelegation } from "./grant-delegation.js";
import { importDelegations } from "./import-delegations.js";
import { rawUploadParsers } from "./raw-uploads.js";
import { revokeDelegation } from "./revoke-delegation.js";
import { validateDelegations } from "./validate-delegations.js";
import { writeDelegationEvents } from "./write-delegation-events.js";

/** /v1/delegations: grant, revoke, event batches and NDJSON import, checks, history, batch validation. */
export const delegationRoutes: readonly RouteModule[] = [
  rawUploadParsers,
  grantDelegation,
  revokeDelegation,
  writeDelegationEvents,
  importDelegations,
  checkDelegation,
  compareDelegation,
  delegationHistory,
  validateDelegations,
];
