// The routes of /v1/rooms/…/river and /v1/river, one module per endpoint.
import type { RouteModule } from "../../route-kit.js";
import { exportRoomRiver } from "./export-room-river.js";
import { importRoomRiver } from "./import-room-river.js";
import { riverValidateStateRoute } from "./river-validate-state.js";

/** /v1/rooms/…/river and /v1/river: rooms in River's wire format, and River's room contract as a judge. */
export const riverRoutes: readonly RouteModule[] = [
  exportRoomRiver,
  importRoomRiver,
  riverValidateStateRoute,
];
