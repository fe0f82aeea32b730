// The partition a room route touches, for partition-bound tokens: rooms outside the token's partition are
// answered exactly like rooms that do not exist (issue #23: existence and ownership must not leak).

import type { FastifyRequest } from "fastify";
import { KeywardError } from "../errors/keyward-error.js";
import type { RoomsService } from "../service/rooms.js";
import type { PartitionOf } from "./auth.js";
import { principalOf } from "./auth.js";

/**
 * The `partition` resolver of routes with a `:room` parameter. For a partition-bound token, a room of another
 * partition, a raw-seed room and no room at all all throw the same 404 `room does not exist`.
 */
export function roomPartitionOf(rooms: RoomsService): PartitionOf {
  return async (req: FastifyRequest): Promise<string | undefined> => {
    const bound = principalOf(req).partition;
    let partition: string | undefined;
    try {
      const meta = await rooms.resolve((req.params as { room: string }).room);
      partition = meta.owner.kind === "custody" ? meta.owner.partition : undefined;
    } catch (err) {
      if (!(err instanceof KeywardError) || err.code !== "not_found") throw err;
    }
    if (bound !== null && partition !== bound) throw new KeywardError("not_found", "room does not exist");
    return partition;
  };
}
