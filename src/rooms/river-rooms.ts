// Rooms in River's wire format: export as ChatRoomStateV1 + parameters, import a River state with every signature checked.
import { bytesToHex } from "../crypto/bytes.js";
import { InputRangeError } from "../errors/input-errors.js";
import { KeywardError } from "../errors/keyward-error.js";
import {
  type ChatRoomState,
  decodeChatRoomParameters,
  decodeChatRoomState,
  encodeChatRoomParameters,
  encodeChatRoomState,
  riverMemberId,
} from "../interop/river/index.js";
import type { Storage } from "../store/ports.js";
import { retryTransaction } from "../store/retry.js";
import {
  claimRoomOp,
  listRooms,
  loadRoomState,
  type RoomMeta,
  roomOpSeq,
  saveRecords,
} from "./repository.js";
import { getRiverExtras, mergeRiverExtras, putRiverExtras } from "./river-extras.js";
import { planRiverImport } from "./river-import.js";
import { riverRoomState } from "./river-room.js";
import { verifyRiverState } from "./river-verify.js";
import { type RoomCustodyPort, withRoomOwner } from "./room-owner.js";
import { lostRace } from "./room-writes.js";
import type { RoomsService } from "./rooms-service.js";

/** A room exported in River's format. */
export interface RiverExport {
  readonly room: string;
  readonly version: number;
  /** ciborium `ChatRoomStateV1`. */
  readonly state: Uint8Array;
  /** ciborium `ChatRoomParametersV1 { owner }`. */
  readonly parameters: Uint8Array;
}

/** What importing a River state did. */
export interface RiverImportResult {
  readonly room: string;
  readonly version: number;
  readonly imported: { versions: number; members: number; removals: number };
  /** Versions whose secret is not derived from the owner seed: kept verbatim, never re-issued. */
  readonly foreignVersions: number[];
  /** Bans of users whose key keyward never saw (River names only their member id): kept verbatim, enforced. */
  readonly foreignBans: number;
  /** River members keyward gave the current secret to (they had none keyward could derive). */
  readonly added: string[];
  /** The rotation the import needed (River's current version was foreign, or a removed member held it). */
  readonly rotatedTo: number | null;
}

/**
 * River's format for keyward rooms (docs/rooms.md, "River mapping").
 * @example
 * const river = new RiverRooms(storage, rooms);
 * const { state, parameters } = await river.export("team"); // River's contract: validate_state → Valid
 * await river.import(stateFromRiver, { parameters });
 */
export class RiverRooms {
  constructor(
    private readonly storage: Storage,
    private readonly rooms: RoomsService,
    private readonly custody?: RoomCustodyPort,
  ) {}

  /**
   * The room as River's `ChatRoomStateV1` (re-signed with the owner key, deterministic) and its parameters.
   * The owner key's custody loan (if any) names `actor`, the caller.
   * @throws KeywardError `not_found`, `forbidden` (this replica does not hold the owner key).
   */
  async export(ref: string, actor?: string): Promise<RiverExport> {
    const meta = await this.rooms.resolve(ref);
    const state = await loadRoomState(this.storage.state, meta.room);
    const extras = await getRiverExtras(this.storage.state, meta.room);
    const river = await withRoomOwner(
      meta,
      this.storage.secrets,
      this.custody,
      (owner) => riverRoomState(state, owner, meta.name, extras),
      actor,
    );
    return {
      room: meta.room,
      version: state.currentVersion,
      state: encodeChatRoomState(river),
      parameters: encodeChatRoomParameters(state.room),
    };
  }

  /**
   * Imports a River state into the keyward room of the same owner (given by `parameters`, `room`, or found
   * among local rooms by River's owner member id): checks every signature (`verifyRiverState`), re-signs
   * what keyward can derive, keeps the rest verbatim, then rotates when River's current version is not
   * keyward's and gives the current secret to River members who lack it. Key loans name `actor`.
   * @throws {RangeError} for malformed CBOR (naming the field); KeywardError `invalid_signature` (with
   *   `problems`), `not_found` (no local room of that owner), `forbidden` (owner key not held here).
   */
  async import(
    bytes: Uint8Array,
    opts: { parameters?: Uint8Array; room?: string } = {},
    actor?: string,
  ): Promise<RiverImportResult> {
    const river = decodeChatRoomState(bytes);
    const meta = await this.#roomFor(river, opts);
    const ownerVk = Buffer.from(meta.room, "hex");
    const check = verifyRiverState(ownerVk, river);
    if (!check.valid)
      throw new KeywardError("invalid_signature", `River state does not verify: ${check.problems[0]}`, {
        problems: check.problems,
      });
    const plan = await retryTransaction(async () => {
      const seq = await roomOpSeq(this.storage.state, meta.room);
      const state = await loadRoomState(this.storage.state, meta.room);
      const plan = await withRoomOwner(
        meta,
        this.storage.secrets,
        this.custody,
        (owner) => planRiverImport(river, owner, state, check.memberKeys),
        actor,
      );
      const old = await getRiverExtras(this.storage.state, meta.room);
      // A write committed since `seq` was read: redo the reads too (not just this transaction).
      const claimed = await this.storage.transaction(async (tx) => {
        if (!(await claimRoomOp(tx.state, meta.room, seq))) return false;
        state.merge(plan);
        await saveRecords(tx.state, state, plan);
        await putRiverExtras(tx.state, meta.room, mergeRiverExtras(old, plan.extras));
        return true;
      });
      if (!claimed) throw lostRace();
      return { plan, exposed: state.exposedAtCurrent().length > 0 };
    });
    let rotatedTo: number | null = null;
    if (plan.plan.mustRotate || plan.exposed) rotatedTo = (await this.rooms.rotate(meta.room, actor)).version;
    const added: string[] = [];
    for (const vk of plan.plan.missingMembers)
      if ((await this.rooms.add(meta.room, vk, actor)).added) added.push(vk);
    const p = plan.plan;
    return {
      room: meta.room,
      version: (await this.rooms.show(meta.room)).version,
      imported: { versions: p.versions.length, members: p.members.length, removals: p.removals.length },
      foreignVersions: p.foreignVersions,
      foreignBans: p.extras.foreignBans.length,
      added,
      rotatedTo,
    };
  }

  async #roomFor(river: ChatRoomState, opts: { parameters?: Uint8Array; room?: string }): Promise<RoomMeta> {
    if (opts.parameters) {
      const owner = bytesToHex(decodeChatRoomParameters(opts.parameters));
      if (opts.room !== undefined && (await this.rooms.resolve(opts.room)).room !== owner)
        throw new InputRangeError("parameters name another room's owner than room");
      return this.rooms.resolve(owner);
    }
    if (opts.room !== undefined) return this.rooms.resolve(opts.room);
    const ownerId = river.configuration.configuration.ownerMemberId;
    const meta = (await listRooms(this.storage.state)).find(
      (m) => riverMemberId(Buffer.from(m.room, "hex")) === ownerId,
    );
    if (!meta)
      throw new KeywardError(
        "not_found",
        "no local room has this River room's owner: create it first (room create --owner-seed-file …) or pass its parameters",
      );
    return meta;
  }
}
