// The routes of /v1/rooms, one module per endpoint.
import type { RouteModule } from "../../route-kit.js";
import { addRoomMember } from "./add-room-member.js";
import { createRoom } from "./create-room.js";
import { exportRoom } from "./export-room.js";
import { importRoom } from "./import-room.js";
import { removeRoomMember } from "./remove-room-member.js";
import { rotateRoom } from "./rotate-room.js";
import { showRoom } from "./show-room.js";
import { verifyRoom } from "./verify-room.js";

/** /v1/rooms: deterministic versioned group secrets (create, members, rotate, show, export/import, verify). */
export const roomRoutes: readonly RouteModule[] = [
  createRoom,
  showRoom,
  addRoomMember,
  removeRoomMember,
  rotateRoom,
  exportRoom,
  importRoom,
  verifyRoom,
];
