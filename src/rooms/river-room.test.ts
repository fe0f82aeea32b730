// River's real room contract judges keyward's rooms: validate_state, tampering, and rotation deltas via update_state.
import { readFileSync } from "node:fs";
import { afterAll, describe, expect, it } from "vitest";
import { bytesToHex } from "../crypto/bytes.js";
import { ed25519PublicKey, ed25519Sign } from "../crypto/ed25519.js";
import { ContractRunner } from "../interop/freenet/contract-runner.js";
import {
  type ChatRoomState,
  encodeChatRoomDelta,
  encodeChatRoomParameters,
  encodeChatRoomState,
  riverMemberId,
  signedBytes,
  writeEncryptedSecret,
  writeMember,
} from "../interop/river/index.js";
import { addMemberRecords, newRoomState, rotateRecords } from "./operations.js";
import { rawSeedOwnerKey } from "./owner-key.js";
import { riverDelta } from "./river-delta.js";
import { riverRoomState } from "./river-room.js";

const contract = await ContractRunner.open(readFileSync("test/fixtures/river/room_contract_current.wasm"));
afterAll(() => contract.close());
const seed = (b: number) => new Uint8Array(32).fill(b);
const ownerSeed = seed(0x11);
const keys = [1, 2, 3, 4].map((b) => bytesToHex(ed25519PublicKey(seed(b))));
const params = encodeChatRoomParameters(ed25519PublicKey(ownerSeed));

/** Owner, four members added, the fourth banned (rotation 1), then a manual rotation (2): three members left. */
async function scenario() {
  const owner = rawSeedOwnerKey(ownerSeed);
  const state = await newRoomState(owner);
  for (const k of keys) state.merge(await addMemberRecords(state, owner, k));
  const beforeBan = await riverRoomState(state, owner, "team");
  state.merge(await rotateRecords(state, owner, [keys[3]!]));
  const afterBan = await riverRoomState(state, owner, "team");
  state.merge(await rotateRecords(state, owner, []));
  const final = await riverRoomState(state, owner, "team");
  return { owner, state, beforeBan, afterBan, final };
}

async function verdict(state: ChatRoomState | Uint8Array): Promise<string> {
  const bytes = state instanceof Uint8Array ? state : encodeChatRoomState(state);
  const r = await contract.validateState(params, bytes);
  return r.ok ? r.value.kind : `${r.error.kind}: ${"message" in r.error ? r.error.message : ""}`;
}

function flip(sig: Uint8Array): Uint8Array {
  const out = Uint8Array.from(sig);
  out[7] = out[7]! ^ 1;
  return out;
}

describe("River's room contract judges keyward's room", () => {
  it("a room with owner, 3 members, a ban and two rotations validates Valid", async () => {
    const { final } = await scenario();
    expect(final.members).toHaveLength(3);
    expect(final.bans).toHaveLength(1);
    expect(final.secrets.versions.map((v) => v.record.version)).toEqual([0, 1, 2]);
    expect(final.secrets.currentVersion).toBe(2);
    expect(await verdict(final)).toBe("Valid");
  });

  it("the contract re-serializes keyward's state to the very same bytes (ciborium-exact)", async () => {
    const { final } = await scenario();
    const bytes = encodeChatRoomState(final);
    const r = await contract.updateState(params, bytes, [{ kind: "Delta", delta: new Uint8Array(0) }]);
    expect(r.ok && r.value && bytesToHex(r.value)).toBe(bytesToHex(bytes));
  });

  it("refuses a state with one byte of any signature changed", async () => {
    const { final: s } = await scenario();
    const c = s.configuration;
    const [m0, ...ms] = s.members;
    const [b0] = s.bans;
    const [v0, ...vs] = s.secrets.versions;
    const [e0, ...es] = s.secrets.encryptedSecrets;
    const tampered: ChatRoomState[] = [
      { ...s, configuration: { ...c, signature: flip(c.signature) } },
      { ...s, members: [{ ...m0!, signature: flip(m0!.signature) }, ...ms] },
      { ...s, bans: [{ ...b0!, signature: flip(b0!.signature) }] },
      {
        ...s,
        secrets: { ...s.secrets, versions: [{ ...v0!, ownerSignature: flip(v0!.ownerSignature) }, ...vs] },
      },
      {
        ...s,
        secrets: {
          ...s.secrets,
          encryptedSecrets: [{ ...e0!, ownerSignature: flip(e0!.ownerSignature) }, ...es],
        },
      },
    ];
    for (const t of tampered)
      expect(await verdict(t)).toMatch(/^InvalidUpdateWithInfo: State verification failed: .*[Ss]ignature/);
  });

  it("refuses a member whose inviter is not a member (signed by the owner but claiming another inviter)", async () => {
    const { final: s } = await scenario();
    const stranger = riverMemberId(ed25519PublicKey(seed(0x42)));
    const member = {
      ownerMemberId: riverMemberId(ed25519PublicKey(ownerSeed)),
      invitedBy: stranger,
      memberVk: ed25519PublicKey(seed(9)),
    };
    const forged = { member, signature: ed25519Sign(ownerSeed, signedBytes(writeMember, member)) };
    expect(await verdict({ ...s, members: [...s.members, forged] })).toMatch(
      /^InvalidUpdateWithInfo: State verification failed/,
    );
  });

  it("a secret for a banned member: validate_state does not look, update_state drops it", async () => {
    const { final: s, beforeBan } = await scenario();
    const banned = riverMemberId(ed25519PublicKey(seed(4)));
    const old = beforeBan.secrets.encryptedSecrets.find((e) => e.secret.memberId === banned)!;
    const secret = { ...old.secret, secretVersion: 2 };
    const forged = {
      secret,
      ownerSignature: ed25519Sign(ownerSeed, signedBytes(writeEncryptedSecret, secret)),
    };
    const withForged = {
      ...s,
      secrets: { ...s.secrets, encryptedSecrets: [...s.secrets.encryptedSecrets, forged] },
    };
    // River's RoomSecretsV1::verify checks signatures and versions only (secret.rs); membership is enforced on
    // apply: a delta carrying it is applied without it.
    expect(await verdict(withForged)).toBe("Valid");
    const delta = encodeChatRoomDelta({
      secrets: { currentVersion: null, newVersions: [], newEncryptedSecrets: [forged] },
    });
    const r = await contract.updateState(params, encodeChatRoomState(s), [{ kind: "Delta", delta }]);
    expect(r.ok && r.value && bytesToHex(r.value)).toBe(bytesToHex(encodeChatRoomState(s)));
  });

  it("update_state accepts keyward's rotation deltas and yields keyward's next state byte for byte", async () => {
    const { beforeBan, afterBan, final } = await scenario();
    let current = encodeChatRoomState(beforeBan);
    for (const [from, to] of [
      [beforeBan, afterBan],
      [afterBan, final],
    ] as const) {
      const delta = riverDelta(from, to)!;
      const r = await contract.updateState(params, current, [
        { kind: "Delta", delta: encodeChatRoomDelta(delta) },
      ]);
      if (!r.ok) throw new Error(JSON.stringify(r.error));
      expect(bytesToHex(r.value!)).toBe(bytesToHex(encodeChatRoomState(to)));
      current = r.value!;
    }
    expect(await verdict(current)).toBe("Valid");
  });
});
