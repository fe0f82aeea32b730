// Rooms: deterministic versioned group secrets, encrypted per member (river-v1), signed and mergeable.
export { exportRoom, parseRoomExport, ROOM_EXPORT_FORMAT, type RoomExport } from "./export-format.js";
export { decryptRoomSecret } from "./member-access.js";
export { buildMemberRecords } from "./member-records.js";
export {
  addMemberRecords,
  createRoomRecords,
  newRoomState,
  parseMemberKey,
  type RoomChange,
  rotateRecords,
} from "./operations.js";
export { type RoomOwnerKey, rawSeedOwnerKey } from "./owner-key.js";
export { openRoomPayload, roomPayloadVersion, sealRoomPayload } from "./payload.js";
export {
  MAX_ROOM_VERSION,
  type MemberRecord,
  type RemovalRecord,
  ROOM_RECORD_TAGS,
  type VersionRecord,
  verifyMember,
  verifyRemoval,
  verifyVersion,
} from "./records.js";
export { ROOM_SEED_NAMESPACE, ROOM_TABLES, type RoomMeta, type RoomOwnerRef } from "./repository.js";
export { riverDelta } from "./river-delta.js";
export { planRiverImport, type RiverImportPlan } from "./river-import.js";
export {
  NO_RIVER_EXTRAS,
  RIVER_CONFIGURATION_DEFAULTS,
  RIVER_NAME_NONCE_CONTEXT,
  type RiverExtras,
  type RiverPassthrough,
  riverRoomState,
  riverTimeOfVersion,
} from "./river-room.js";
export { type RiverExport, type RiverImportResult, RiverRooms } from "./river-rooms.js";
export { type RiverVerification, verifyRiverState } from "./river-verify.js";
export type { RoomCustodyPort } from "./room-owner.js";
export {
  type RoomImportResult,
  type RoomSummary,
  RoomsService,
  type RoomsServiceOptions,
} from "./rooms-service.js";
export { PARALLEL_THRESHOLD, RotationPool } from "./rotation-pool.js";
export { type MergeReport, type RoomConflict, type RoomRecordSet, RoomState } from "./state.js";
export { type RoomVerification, verifyRoomExport, verifyRoomRecords } from "./verify.js";
