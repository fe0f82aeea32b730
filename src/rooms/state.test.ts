// Merge: set union keyed by version / (version, member) / member; order-independent; conflicts deterministic.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { bytesToHex } from "../crypto/bytes.js";
import { ed25519PrivateKeyObject, ed25519PublicKey } from "../crypto/ed25519.js";
import { exportRoom } from "./export-format.js";
import { addMemberRecords, newRoomState, rotateRecords } from "./operations.js";
import { rawSeedOwnerKey } from "./owner-key.js";
import { signMember, signRemoval } from "./records.js";
import { RoomState } from "./state.js";

const ownerSeed = new Uint8Array(32).fill(0x42);
const owner = rawSeedOwnerKey(ownerSeed);
const keys = Array.from({ length: 5 }, (_, i) =>
  bytesToHex(ed25519PublicKey(new Uint8Array(32).fill(i + 1))),
);

type Op = { kind: "add" | "remove"; member: number } | { kind: "rotate" };

async function run(ops: readonly Op[]): Promise<RoomState> {
  const state = await newRoomState(owner);
  for (const op of ops) {
    try {
      if (op.kind === "add") state.merge(await addMemberRecords(state, owner, keys[op.member]!));
      else if (op.kind === "remove") state.merge(await rotateRecords(state, owner, [keys[op.member]!]));
      else state.merge(await rotateRecords(state, owner));
    } catch {
      // A refused step (e.g. removing a non-member) changes nothing on either replica.
    }
  }
  return state;
}

function copy(state: RoomState): RoomState {
  const c = new RoomState(state.room);
  c.merge(state.records());
  return c;
}

const opArb: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ kind: fc.constant("add" as const), member: fc.integer({ min: 0, max: 4 }) }),
  fc.record({ kind: fc.constant("remove" as const), member: fc.integer({ min: 0, max: 4 }) }),
  fc.record({ kind: fc.constant("rotate" as const) }),
);

describe("RoomState.merge", () => {
  it("replicas applying the same changes in different orders converge byte for byte after merging both ways", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc
          .array(opArb, { maxLength: 8 })
          .chain((ops) =>
            fc.tuple(
              fc.constant(ops),
              fc.shuffledSubarray(ops, { minLength: ops.length, maxLength: ops.length }),
            ),
          ),
        async ([ops, shuffled]) => {
          const a = await run(ops);
          const b = await run(shuffled);
          const ab = copy(a);
          ab.merge(b.records());
          const ba = copy(b);
          ba.merge(a.records());
          expect(exportRoom(ab)).toBe(exportRoom(ba));
          // Merging again changes nothing (idempotent).
          const again = ab.merge(ba.records());
          expect(again.added).toEqual({ versions: 0, members: 0, removals: 0 });
          expect(again.conflicts).toEqual([]);
        },
      ),
      { numRuns: 25 },
    );
  });

  it("the same changes in the same order give identical records on two replicas", async () => {
    const ops: Op[] = [
      { kind: "add", member: 0 },
      { kind: "add", member: 1 },
      { kind: "remove", member: 0 },
    ];
    expect(exportRoom(await run(ops))).toBe(exportRoom(await run(ops)));
  });

  it("a conflicting duplicate keeps the same winner in either merge order and is reported", async () => {
    const base = await run([{ kind: "add", member: 0 }]);
    const key = ed25519PrivateKeyObject(ownerSeed);
    const original = base.records().members[0]!;
    const forged = signMember(base.room, key, { ...original, ciphertext: "00".repeat(48) });
    const x = copy(base);
    const rx = x.merge({ versions: [], members: [forged], removals: [] });
    const y = new RoomState(base.room);
    y.merge({ versions: [], members: [forged], removals: [] });
    const ry = y.merge(base.records());
    expect(exportRoom(x)).toBe(exportRoom(y));
    expect(rx.conflicts).toHaveLength(1);
    expect(ry.conflicts).toHaveLength(1);
    expect(rx.conflicts[0]!.kept).toBe(ry.conflicts[0]!.kept);
    expect(rx.conflicts[0]!.key).toBe(`0/${original.member}`);
  });

  it("conflicting removals keep the earlier version; a concurrent unseen ban exposes the current version", async () => {
    // Replica A bans member 0 at version 1; replica B rotated to 1 without knowing and still includes them.
    const a = await run([
      { kind: "add", member: 0 },
      { kind: "add", member: 1 },
      { kind: "remove", member: 0 },
    ]);
    const b = await run([{ kind: "add", member: 0 }, { kind: "add", member: 1 }, { kind: "rotate" }]);
    const merged = copy(a);
    merged.merge(b.records());
    expect(merged.membersAt(1)).toEqual([keys[1]]);
    expect(merged.exposedAtCurrent()).toEqual([keys[0]]);
    merged.merge(await rotateRecords(merged, owner));
    expect(merged.exposedAtCurrent()).toEqual([]);
    expect(merged.membersAt(2)).toEqual([keys[1]]);
    const key = ed25519PrivateKeyObject(ownerSeed);
    const later = signRemoval(a.room, key, keys[0]!, 2);
    const report = merged.merge({ versions: [], members: [], removals: [later] });
    expect(report.conflicts[0]!.kind).toBe("removal");
    expect(merged.removals.get(keys[0]!)!.version).toBe(1);
  });
});
