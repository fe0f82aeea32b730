// What the surfaces need to parse delegations input and name its types, exposed by the service (cli/ and http/
// import nothing from src/delegations/ directly).
export type { ValidationSummary } from "../delegations/batch-validate.js";
export type { CompactComparison } from "../delegations/compact-view.js";
export { type DelegationId, normalizeId, parsePosition } from "../delegations/ids.js";
// From import-check.js, not import-events.js: a `check` process does not load the import modules.
export { ImportRefusedError, type LineError } from "../delegations/import-check.js";
export type { ImportSummary } from "../delegations/import-events.js";
export type { CheckResult, KeyHistory } from "../delegations/index-types.js";
export { parseSemantics, type Semantics } from "../delegations/semantics.js";
