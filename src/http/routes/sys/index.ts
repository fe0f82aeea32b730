// The routes of /v1/sys: the key-share unseal of a sealed server, over the unseal gate (not the service).
import type { SealGate } from "../../../service/unseal-gate.js";
import type { RouteModule } from "../../route-kit.js";
import { sealStatus } from "./seal-status.js";
import { unseal } from "./unseal.js";

/** /v1/sys: seal status and share submission; registered by the full app and by the sealed front. */
export const sysRoutes: readonly RouteModule<SealGate>[] = [sealStatus, unseal];
