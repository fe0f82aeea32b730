// `keyward room …`: create, add, remove, rotate, show, export, import, verify, decrypt.

import { writeFileSync } from "node:fs";
import type { Command } from "commander";
import { InputRangeError } from "../../errors/input-errors.js";
import { bytesToHex } from "../../service/primitives.js";
import { verifyRoomExport } from "../../service/rooms.js";
import { CLI_ACTOR, isJson } from "../context.js";
import { emit } from "../io.js";
import { parseIntFlag, readFileFlag } from "../parse.js";
import { formatFlag, memberFlag, readSeedFile, readText, withRooms } from "./room-io.js";

/** `room create`: create a room; its id is the owner's Ed25519 public key. */
function roomCreateCommand(room: Command): void {
  room
    .command("create")
    .description("create a room; its id is the owner's Ed25519 public key")
    .requiredOption("--name <name>", "local name of the room")
    .option(
      "--owner-seed-file <file>",
      "owner Ed25519 seed file (64 hex); stored sealed for later operations",
    )
    .option("--owner-partition <p>", "custody partition of the owner identity")
    .option("--owner-identity <id>", "custody identity of the owner (type:value)")
    .action(
      async (
        opts: { name: string; ownerSeedFile?: string; ownerPartition?: string; ownerIdentity?: string },
        cmd: Command,
      ) => {
        const custody = opts.ownerPartition !== undefined || opts.ownerIdentity !== undefined;
        if (custody === (opts.ownerSeedFile !== undefined))
          throw new InputRangeError("give --owner-seed-file or --owner-partition with --owner-identity");
        if (custody && (opts.ownerPartition === undefined || opts.ownerIdentity === undefined))
          throw new InputRangeError("--owner-partition and --owner-identity go together");
        const seed =
          opts.ownerSeedFile !== undefined
            ? readSeedFile(opts.ownerSeedFile, "--owner-seed-file")
            : undefined;
        try {
          const out = await withRooms(cmd, (rooms) =>
            rooms.create(
              {
                name: opts.name,
                ...(seed ? { ownerSeed: seed } : {}),
                ...(custody
                  ? { custody: { partition: opts.ownerPartition!, identity: opts.ownerIdentity! } }
                  : {}),
              },
              CLI_ACTOR,
            ),
          );
          emit(isJson(cmd), out, `room ${out.room} created at version ${out.version}`);
        } finally {
          seed?.wipe();
        }
      },
    );
}

/** `room add`: give a member (Ed25519 verifying key) the current version's secret. */
function roomAddCommand(room: Command): void {
  room
    .command("add")
    .description("give a member (Ed25519 verifying key) the current version's secret")
    .requiredOption("--room <room>", "room name or id")
    .requiredOption("--member <hex>", "member Ed25519 verifying key, 64 hex")
    .action(async (opts: { room: string; member: string }, cmd: Command) => {
      const member = memberFlag(opts.member);
      const out = await withRooms(cmd, (rooms) => rooms.add(opts.room, member, CLI_ACTOR));
      emit(isJson(cmd), { version: out.version, added: out.added }, String(out.version));
    });
}

/** `room remove`: remove (ban) a member: rotates synchronously to version + 1 without them. */
function roomRemoveCommand(room: Command): void {
  room
    .command("remove")
    .description("remove (ban) a member: rotates synchronously to version + 1 without them")
    .requiredOption("--room <room>", "room name or id")
    .requiredOption("--member <hex>", "member Ed25519 verifying key, 64 hex")
    .action(async (opts: { room: string; member: string }, cmd: Command) => {
      const member = memberFlag(opts.member);
      const out = await withRooms(cmd, (rooms) => rooms.remove(opts.room, member, CLI_ACTOR));
      emit(isJson(cmd), { version: out.version }, String(out.version));
    });
}

/** `room rotate`: rotate to version + 1 (same members, new secret). */
function roomRotateCommand(room: Command): void {
  room
    .command("rotate")
    .description("rotate to version + 1 (same members, new secret)")
    .requiredOption("--room <room>", "room name or id")
    .action(async (opts: { room: string }, cmd: Command) => {
      const out = await withRooms(cmd, (rooms) => rooms.rotate(opts.room, CLI_ACTOR));
      emit(isJson(cmd), { version: out.version }, String(out.version));
    });
}

/** `room show`: room id, version, members, removed members. */
function roomShowCommand(room: Command): void {
  room
    .command("show")
    .description("room id, version, members, removed members")
    .requiredOption("--room <room>", "room name or id")
    .action(async (opts: { room: string }, cmd: Command) => {
      const s = await withRooms(cmd, (rooms) => rooms.show(opts.room));
      const human = [
        `room ${s.room}${s.name ? ` (${s.name})` : ""}, owner key: ${s.owner}`,
        `version ${s.version} (${s.versions} versions)`,
        `members (${s.members.length}):`,
        ...s.members.map((m) => `  ${m}`),
        ...(s.removed.length
          ? ["removed:", ...s.removed.map((r) => `  ${r.member} at version ${r.version}`)]
          : []),
        ...(s.exposed.length
          ? [`WARNING: ${s.exposed.length} removed member(s) hold the current version: rotate`]
          : []),
      ].join("\n");
      emit(isJson(cmd), s, human);
    });
}

/** `room export`: write the room's canonical export (identical bytes on every replica with the same state); --format river\n. */
function roomExportCommand(room: Command): void {
  room
    .command("export")
    .description(
      "write the room's canonical export (identical bytes on every replica with the same state); --format river\n" +
        "writes River's ChatRoomStateV1 (CBOR, re-signed with the owner key) for River's room contract",
    )
    .requiredOption("--room <room>", "room name or id")
    .requiredOption("--out <file>", "output file")
    .option("--format <format>", "keyward (JSON, default) or river (ChatRoomStateV1 CBOR)")
    .option("--parameters-out <file>", "with --format river: also write ChatRoomParametersV1 (CBOR) here")
    .action(
      async (opts: { room: string; out: string; format?: string; parametersOut?: string }, cmd: Command) => {
        const format = formatFlag(opts.format);
        if (format === "keyward") {
          if (opts.parametersOut !== undefined)
            throw new InputRangeError("--parameters-out needs --format river");
          const text = await withRooms(cmd, (rooms) => rooms.export(opts.room));
          writeFileSync(opts.out, text);
          emit(isJson(cmd), { out: opts.out, bytes: Buffer.byteLength(text) }, opts.out);
          return;
        }
        const r = await withRooms(cmd, (_rooms, river) => river.export(opts.room, CLI_ACTOR));
        writeFileSync(opts.out, r.state);
        if (opts.parametersOut !== undefined) writeFileSync(opts.parametersOut, r.parameters);
        emit(
          isJson(cmd),
          {
            format,
            room: r.room,
            version: r.version,
            out: opts.out,
            bytes: r.state.length,
            ...(opts.parametersOut !== undefined ? { parameters: opts.parametersOut } : {}),
          },
          opts.out,
        );
      },
    );
}

/** `room import`: verify an export and merge it (set union; conflicts resolved deterministically, reported); --format river\n. */
function roomImportCommand(room: Command): void {
  room
    .command("import")
    .description(
      "verify an export and merge it (set union; conflicts resolved deterministically, reported); --format river\n" +
        "reads River's ChatRoomStateV1, checks every signature and merges it into the room of the same owner",
    )
    .argument("<file>", "export file")
    .option("--name <name>", "local name for the room (keyward format)")
    .option("--format <format>", "keyward (JSON, default) or river (ChatRoomStateV1 CBOR)")
    .option("--parameters <file>", "with --format river: ChatRoomParametersV1 (CBOR) naming the owner")
    .option("--room <room>", "with --format river: the local room (name or id) to import into")
    .action(
      async (
        file: string,
        opts: { name?: string; format?: string; parameters?: string; room?: string },
        cmd: Command,
      ) => {
        if (formatFlag(opts.format) === "river") {
          if (opts.name !== undefined) throw new InputRangeError("--name is for the keyward format");
          const state = readFileFlag(file, "FILE");
          const parameters =
            opts.parameters !== undefined ? readFileFlag(opts.parameters, "--parameters") : undefined;
          const out = await withRooms(cmd, (_rooms, river) =>
            river.import(
              state,
              {
                ...(parameters ? { parameters } : {}),
                ...(opts.room !== undefined ? { room: opts.room } : {}),
              },
              CLI_ACTOR,
            ),
          );
          const i = out.imported;
          emit(
            isJson(cmd),
            out,
            `room ${out.room} at version ${out.version}: every signature checked; ${i.versions} versions, ` +
              `${i.members} member secrets, ${i.removals + out.foreignBans} bans imported` +
              (out.foreignVersions.length
                ? `; versions kept verbatim: ${out.foreignVersions.join(", ")}`
                : "") +
              (out.rotatedTo !== null ? `; rotated to ${out.rotatedTo}` : "") +
              (out.added.length ? `; ${out.added.length} member(s) given the current secret` : ""),
          );
          return;
        }
        if (opts.parameters !== undefined || opts.room !== undefined)
          throw new InputRangeError("--parameters and --room need --format river");
        const text = readText(file, "FILE");
        const out = await withRooms(cmd, (rooms) =>
          rooms.import(text, opts.name ? { name: opts.name } : {}, CLI_ACTOR),
        );
        const a = out.merge.added;
        emit(
          isJson(cmd),
          out,
          `room ${out.room} at version ${out.version}: +${a.versions} versions, +${a.members} member records, ` +
            `+${a.removals} removals, ${out.merge.conflicts.length} conflicts` +
            (out.rotatedTo !== null
              ? `; rotated to ${out.rotatedTo} (a removed member held the current version)`
              : ""),
        );
      },
    );
}

/** `room verify`: check an export: owner signatures, version sequence, references (no data dir needed; an invalid file is a\n. */
function roomVerifyCommand(room: Command): void {
  room
    .command("verify")
    .description(
      "check an export: owner signatures, version sequence, references (no data dir needed; an invalid file is a\n" +
        "clean answer: exit 0 with valid=false)",
    )
    .argument("<file>", "export file")
    .action((file: string, _opts: unknown, cmd: Command) => {
      const v = verifyRoomExport(readText(file, "FILE"));
      const human = v.valid
        ? `valid: room ${v.room}, version ${v.currentVersion}${v.canonical ? "" : " (not canonical)"}`
        : `INVALID: ${v.problems.join("; ")}`;
      emit(isJson(cmd), v, [human, ...v.warnings.map((w) => `warning: ${w}`)].join("\n"));
    });
}

/** `room decrypt`: a member's secret for a version, from their river-v1 record (64 hex). */
function roomDecryptCommand(room: Command): void {
  room
    .command("decrypt")
    .description("a member's secret for a version, from their river-v1 record (64 hex)")
    .requiredOption("--room <room>", "room name or id")
    .requiredOption("--version <n>", "version, 0 … 4294967295")
    .requiredOption("--member-seed-file <file>", "member Ed25519 seed file (64 hex)")
    .action(async (opts: { room: string; version: string; memberSeedFile: string }, cmd: Command) => {
      const version = parseIntFlag(opts.version, "--version", 0, 0xffffffff);
      const seed = readSeedFile(opts.memberSeedFile, "--member-seed-file");
      try {
        const secret = await withRooms(cmd, (rooms) => rooms.decrypt(opts.room, version, seed));
        const hex = secret.use(bytesToHex);
        secret.wipe();
        emit(isJson(cmd), { secret: hex, version }, hex);
      } finally {
        seed.wipe();
      }
    });
}

/** Registers `room` and its subcommands. */
export function registerRoomCommands(program: Command): void {
  const room = program
    .command("room")
    .description("rooms: deterministic versioned group secrets, encrypted per member (river-v1)");
  for (const add of [
    roomCreateCommand,
    roomAddCommand,
    roomRemoveCommand,
    roomRotateCommand,
    roomShowCommand,
    roomExportCommand,
    roomImportCommand,
    roomVerifyCommand,
    roomDecryptCommand,
  ])
    add(room);
}
