// The rooms domain service: room operations over the stores, with the owner key borrowed through ports.
import { assertInteger, assertString } from "../crypto/assert.js";
import { bytesToHex } from "../crypto/bytes.js";
import { Secret } from "../crypto/secret.js";
import { KeywardError } from "../errors/keyward-error.js";
import type { Storage } from "../store/ports.js";
import { retryTransaction } from "../store/retry.js";
import { exportRoom, parseRoomExport } from "./export-format.js";
import { decryptRoomSecret } from "./member-access.js";
import {
  addMemberRecords,
  createRoomRecords,
  parseMemberKey,
  type RoomChange,
  rotateRecords,
} from "./operations.js";
import { type RoomOwnerKey, rawSeedOwnerKey } from "./owner-key.js";
import { MAX_ROOM_VERSION } from "./records.js";
import {
  claimRoomOp,
  getRoomMeta,
  loadRoomState,
  loadRoomWorkingState,
  putOwnerSeed,
  putRoomMeta,
  type RoomMeta,
  type RoomOwnerRef,
  roomByName,
  roomOpSeq,
  saveRecords,
} from "./repository.js";
import { isRiverBanned } from "./river-extras.js";
import { type RoomCustodyPort, withRoomOwner } from "./room-owner.js";
import { KeyedQueue, lostRace } from "./room-writes.js";
import type { RotationPool } from "./rotation-pool.js";
import type { MergeReport, RoomState } from "./state.js";
import { type RoomVerification, verifyRoomRecords } from "./verify.js";

/** Options of the rooms service. */
export interface RoomsServiceOptions {
  readonly custody?: RoomCustodyPort;
  /** Parallel member-record building for large rotations. */
  readonly pool?: RotationPool;
}

/** What `show` reports about a room. */
export interface RoomSummary {
  readonly room: string;
  readonly name: string | null;
  readonly owner: RoomOwnerRef["kind"];
  readonly version: number;
  readonly versions: number;
  readonly members: string[];
  readonly removed: { member: string; version: number }[];
  /** Removed members still holding the current version: rotate before sending. */
  readonly exposed: string[];
}

/** Result of an import: the verdict, what the merge changed, and the rotation it forced (if any). */
export interface RoomImportResult {
  readonly room: string;
  readonly version: number;
  readonly verification: Omit<RoomVerification, "canonical">;
  readonly merge: MergeReport;
  readonly rotatedTo: number | null;
}

/**
 * Rooms over a Storage. Records go to the state store (public); a raw owner seed goes sealed to the
 * SecretStore; custody-held owner keys are borrowed through `options.custody`. Every write takes the caller
 * as its last argument (`actor`, e.g. `token:<id>` or "cli"): the custody key loans it causes name it.
 * @example
 * const rooms = new RoomsService(storage);
 * const { room } = await rooms.create({ name: "team", ownerSeed });
 * await rooms.add("team", memberHex);
 * await rooms.remove("team", memberHex, "cli"); // rotates to version 1
 */
export class RoomsService {
  /** This instance's writes to one room never race each other; other instances are caught by the claim. */
  #queue = new KeyedQueue();

  constructor(
    private readonly storage: Storage,
    private readonly options: RoomsServiceOptions = {},
  ) {}

  /**
   * Creates a room owned by a raw seed (stored sealed) or a custody identity. The room id is the owner's
   * verifying key, so a second replica creating the room from the same key gets the same id and records.
   * @throws KeywardError `already_exists` (room or name taken), `invalid_input`, `unavailable` (no custody).
   */
  async create(
    input: {
      name?: string;
      ownerSeed?: Uint8Array | Secret;
      custody?: { partition: string; identity: string; label?: string };
    },
    actor?: string,
  ): Promise<{ room: string; ownerPublicKey: string; version: number }> {
    if (input.name !== undefined) assertString(input.name, "name", { nonEmpty: true, maxLength: 200 });
    if ((input.ownerSeed === undefined) === (input.custody === undefined))
      throw new KeywardError("invalid_input", "give exactly one owner: a raw seed or a custody identity");
    const seedOwner = input.ownerSeed !== undefined ? rawSeedOwnerKey(input.ownerSeed) : undefined;
    try {
      const owner = seedOwner ?? (await this.#custody().ownerKey(input.custody!, actor));
      const room = bytesToHex(owner.publicKey);
      const ref: RoomOwnerRef = seedOwner ? { kind: "seed" } : { kind: "custody", ...input.custody! };
      const existing = await getRoomMeta(this.storage.state, room);
      if (existing && existing.owner.kind !== "none")
        throw new KeywardError("already_exists", "this room already exists");
      const name = input.name ?? existing?.name ?? null;
      if (name !== null) {
        const taken = await roomByName(this.storage.state, name);
        if (taken && taken !== room) throw new KeywardError("already_exists", "room name is taken");
      }
      const seq = await roomOpSeq(this.storage.state, room);
      const state = await loadRoomState(this.storage.state, room);
      const change = state.currentVersion < 0 ? await createRoomRecords(owner) : undefined;
      await this.storage.transaction(async (tx) => {
        // A create racing another write to this room (e.g. the same create on another instance) loses here.
        if (!(await claimRoomOp(tx.state, room, seq)))
          throw new KeywardError("already_exists", "this room was created or changed concurrently");
        if (seedOwner) await seedOwner.withSeed((seed) => putOwnerSeed(tx.secrets, room, Secret.from(seed)));
        await putRoomMeta(tx.state, { room, name, owner: ref });
        if (change) {
          state.merge(change);
          await saveRecords(tx.state, state, change);
        }
      });
      return { room, ownerPublicKey: room, version: state.currentVersion };
    } finally {
      seedOwner?.wipe();
    }
  }

  /** Resolves a room reference: 64-hex room id or a local name. @throws KeywardError `not_found`. */
  async resolve(ref: string): Promise<RoomMeta> {
    assertString(ref, "room", { nonEmpty: true });
    const id = /^[0-9a-fA-F]{64}$/.test(ref) ? ref.toLowerCase() : await roomByName(this.storage.state, ref);
    const meta = id ? await getRoomMeta(this.storage.state, id) : undefined;
    if (!meta) throw new KeywardError("not_found", "room does not exist");
    return meta;
  }

  /** Adds a member (their Ed25519 verifying key, hex) at the current version. */
  async add(
    ref: string,
    member: string,
    actor?: string,
  ): Promise<{ room: string; version: number; added: boolean }> {
    const { meta, change } = await this.#mutate(ref, async (meta, state) => {
      // A ban imported from River names only River's member id: it bans this key too.
      if (await isRiverBanned(this.storage.state, meta.room, parseMemberKey(member)))
        throw new KeywardError("revoked", "this member is banned from the room (River ban)");
      return this.#withOwner(meta, actor, (owner) => addMemberRecords(state, owner, member));
    });
    return { room: meta.room, version: change.version, added: change.members.length > 0 };
  }

  /** Removes (bans) a member: synchronous rotation to version + 1 without them. */
  async remove(ref: string, member: string, actor?: string): Promise<{ room: string; version: number }> {
    const { meta, change } = await this.#mutate(ref, (meta, state) =>
      this.#withOwner(meta, actor, (owner) => rotateRecords(state, owner, [member], this.options.pool)),
    );
    return { room: meta.room, version: change.version };
  }

  /** Manual rotation to version + 1 (same members, new secret). */
  async rotate(ref: string, actor?: string): Promise<{ room: string; version: number }> {
    const { meta, change } = await this.#mutate(ref, (meta, state) =>
      this.#withOwner(meta, actor, (owner) => rotateRecords(state, owner, [], this.options.pool)),
    );
    return { room: meta.room, version: change.version };
  }

  /** A summary of the room's current state. */
  async show(ref: string): Promise<RoomSummary> {
    const meta = await this.resolve(ref);
    const state = await loadRoomWorkingState(this.storage.state, meta.room);
    const version = state.currentVersion;
    return {
      room: meta.room,
      name: meta.name,
      owner: meta.owner.kind,
      version,
      versions: state.versions.size,
      members: state.membersAt(version),
      removed: state.records().removals.map((r) => ({ member: r.member, version: r.version })),
      exposed: state.exposedAtCurrent(),
    };
  }

  /** The canonical export text of a room. */
  async export(ref: string): Promise<string> {
    return exportRoom((await this.#load(ref)).state);
  }

  /**
   * Verifies and merges an export (set union; conflicts resolved deterministically and reported). When a
   * removed member turns out to hold the current version and this replica has the owner key, rotates.
   * @throws KeywardError `invalid_signature` when the export does not verify; TypeError/RangeError when
   *   malformed; `already_exists` when `name` belongs to another room.
   */
  async import(text: string, opts: { name?: string } = {}, actor?: string): Promise<RoomImportResult> {
    const exp = parseRoomExport(text);
    const verification = verifyRoomRecords(exp);
    if (!verification.valid)
      throw new KeywardError(
        "invalid_signature",
        `room export does not verify: ${verification.problems[0]}`,
        {
          problems: verification.problems,
        },
      );
    const room = verification.room;
    const { meta, state, merge } = await this.#queue.run(room, () =>
      retryTransaction(async () => {
        const known = await getRoomMeta(this.storage.state, room);
        const name = opts.name ?? known?.name ?? null;
        if (name !== null) {
          const taken = await roomByName(this.storage.state, name);
          if (taken && taken !== room) throw new KeywardError("already_exists", "room name is taken");
        }
        const meta: RoomMeta = { room, name, owner: known?.owner ?? { kind: "none" } };
        const seq = await roomOpSeq(this.storage.state, room);
        const state = await loadRoomState(this.storage.state, room);
        const merge = state.merge(exp);
        // A write committed since `seq` was read: redo the reads too (not just this transaction).
        const claimed = await this.storage.transaction(async (tx) => {
          if (!(await claimRoomOp(tx.state, room, seq))) return false;
          await putRoomMeta(tx.state, meta);
          await saveRecords(tx.state, state, exp);
          return true;
        });
        if (!claimed) throw lostRace();
        return { meta, state, merge };
      }),
    );
    if (state.exposedAtCurrent().length === 0 || meta.owner.kind === "none")
      return { room, version: state.currentVersion, verification, merge, rotatedTo: null };
    // Rotate away the exposure, unless a concurrent write already did.
    const done = await this.#mutate(room, (m, fresh) =>
      fresh.exposedAtCurrent().length > 0
        ? this.#withOwner(m, actor, (owner) => rotateRecords(fresh, owner, [], this.options.pool))
        : Promise.resolve(undefined),
    );
    const rotatedTo = done.change ? done.change.version : null;
    return { room, version: done.state.currentVersion, verification, merge, rotatedTo };
  }

  /** The secret of `version` for the member holding `memberSeed` (from their own record). */
  async decrypt(ref: string, version: number, memberSeed: Uint8Array | Secret): Promise<Secret> {
    assertInteger(version, 0, MAX_ROOM_VERSION, "version");
    const meta = await this.resolve(ref);
    // Only that version's member records are read (plus versions and removals).
    const state = await loadRoomWorkingState(this.storage.state, meta.room, version);
    return decryptRoomSecret(state, version, memberSeed);
  }

  /** The loaded record set of a room (for library users: payloads, custom checks). */
  async state(ref: string): Promise<RoomState> {
    return (await this.#load(ref)).state;
  }

  #custody(): RoomCustodyPort {
    if (!this.options.custody)
      throw new KeywardError("unavailable", "custody-held owner keys are not available here");
    return this.options.custody;
  }

  async #load(ref: string): Promise<{ meta: RoomMeta; state: RoomState }> {
    const meta = await this.resolve(ref);
    return { meta, state: await loadRoomState(this.storage.state, meta.room) };
  }

  #withOwner<T>(
    meta: RoomMeta,
    actor: string | undefined,
    fn: (owner: RoomOwnerKey) => Promise<T>,
  ): Promise<T> {
    return withRoomOwner(meta, this.storage.secrets, this.options.custody, fn, actor);
  }

  /**
   * Runs one write to a room: reads the room's write sequence, loads its records, builds the change and
   * saves it in a transaction that claims the next sequence number. A write committed in between (by this
   * or another instance) makes the claim fail, and the operation is redone on the fresh state, so writes to
   * one room are serialized: a rotation never misses a member added concurrently.
   * @throws KeywardError `unavailable` once the one retry policy's attempts are spent (store/retry.ts).
   */
  async #mutate<C extends RoomChange | undefined>(
    ref: string,
    build: (meta: RoomMeta, state: RoomState) => Promise<C>,
  ): Promise<{ meta: RoomMeta; state: RoomState; change: C }> {
    const { room } = await this.resolve(ref);
    return this.#queue.run(room, () =>
      retryTransaction(async () => {
        const meta = await this.resolve(room);
        const seq = await roomOpSeq(this.storage.state, room);
        const state = await loadRoomWorkingState(this.storage.state, room);
        const change = await build(meta, state);
        if (change === undefined) return { meta, state, change }; // nothing to write
        // A write committed since `seq` was read: redo the reads too (not just this transaction).
        const claimed = await this.storage.transaction(async (tx) => {
          if (!(await claimRoomOp(tx.state, room, seq))) return false;
          state.merge(change);
          await saveRecords(tx.state, state, change);
          return true;
        });
        if (!claimed) throw lostRace();
        return { meta, state, change };
      }),
    );
  }
}
