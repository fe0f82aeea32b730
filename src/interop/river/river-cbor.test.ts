// River's CBOR records against Python cbor2 (river-cbor.vectors.py) and a live cbor2 oracle for random values.
import { execFileSync } from "node:child_process";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { bytesToHex, hexToBytes } from "../../crypto/bytes.js";
import { ed25519Sign } from "../../crypto/ed25519.js";
import { CborReader, CborWriter } from "./cbor.js";
import {
  fastHash,
  readAuthorizedEncryptedSecret,
  readAuthorizedMember,
  readMember,
  readUserBan,
  riverMemberId,
} from "./records.js";
import V from "./river-cbor.vectors.json" with { type: "json" };
import { riverSigned } from "./signed.js";
import {
  decodeChatRoomParameters,
  decodeChatRoomState,
  encodeChatRoomDelta,
  encodeChatRoomParameters,
  encodeChatRoomState,
  RIVER_DEFAULT_PARTS,
} from "./state.js";
import type { ChatRoomState, Configuration } from "./types.js";

const ownerSeed = new Uint8Array(32).fill(0x11);
const ownerVk = hexToBytes(V.ownerVk);
const memberVk = hexToBytes(V.memberVk);
const ownerId = BigInt(V.ownerId);
const memberId = BigInt(V.memberId);
const sign = (b: Uint8Array) => ed25519Sign(ownerSeed, b);
const hex = bytesToHex;

const member = { ownerMemberId: ownerId, invitedBy: ownerId, memberVk };
const ban = { ownerMemberId: ownerId, bannedAt: { secs: 1n, nanos: 0 }, bannedUser: memberId };
const record = { version: 2, createdAt: { secs: 1_700_000_000n, nanos: 123_456_789 } };
const secret = {
  memberId,
  secretVersion: 2,
  ciphertext: Uint8Array.from({ length: 48 }, (_, i) => i),
  nonce: new Uint8Array(12),
  senderEphemeralPublicKey: Uint8Array.from({ length: 32 }, (_, i) => 100 + i),
  provider: ownerId,
};
const configuration: Configuration = {
  ownerMemberId: ownerId,
  configurationVersion: 3,
  privacyMode: "Private",
  display: {
    name: {
      kind: "Private",
      ciphertext: Uint8Array.of(1, 2, 3),
      nonce: Uint8Array.from({ length: 12 }, (_, i) => i),
      secretVersion: 2,
      declaredLenBytes: 4,
    },
    description: { kind: "Public", value: Uint8Array.of(0x68, 0x69) },
  },
  maxRecentMessages: 100,
  maxUserBans: 10,
  maxMessageSize: 1000,
  maxNicknameSize: 50,
  maxMembers: 200,
  maxRoomName: 100,
  maxRoomDescription: 500,
  maxDirectMessages: null,
};

function vectorState(): ChatRoomState {
  return {
    configuration: { configuration, signature: sign(riverSigned.configuration(configuration)) },
    bans: [{ ban, bannedBy: ownerId, signature: sign(riverSigned.ban(ban)) }],
    members: [{ member, signature: sign(riverSigned.member(member)) }],
    secrets: {
      currentVersion: 2,
      versions: [{ record, ownerSignature: sign(riverSigned.secretVersion(record)) }],
      encryptedSecrets: [{ secret, ownerSignature: sign(riverSigned.memberSecret(secret)) }],
    },
    ...RIVER_DEFAULT_PARTS,
  };
}

describe("River ids", () => {
  it("MemberId is freenet-scaffold's fast_hash (i64, wrapping), positive and negative", () => {
    expect(riverMemberId(ownerVk)).toBe(ownerId);
    expect(riverMemberId(memberVk)).toBe(memberId);
    expect(memberId < 0n).toBe(true);
    expect(fastHash(new Uint8Array(0))).toBe(0n);
    expect(fastHash(Uint8Array.of(1, 2))).toBe(33n); // 1·31 + 2
  });
});

describe("River records match cbor2 byte for byte", () => {
  it("Member, UserBan, SecretVersionRecordV1, EncryptedSecretForMemberV1, Configuration", () => {
    expect(hex(riverSigned.member(member))).toBe(V.member);
    expect(hex(riverSigned.ban(ban))).toBe(V.ban);
    expect(hex(riverSigned.secretVersion(record))).toBe(V.record);
    expect(hex(riverSigned.memberSecret(secret))).toBe(V.secret);
    expect(hex(riverSigned.configuration(configuration))).toBe(V.configuration);
  });

  it("signatures are Ed25519 over those bytes (the signature Python signed)", () => {
    expect(hex(sign(riverSigned.member(member)))).toBe(V.memberSignature);
  });

  it("ChatRoomParametersV1, a whole ChatRoomStateV1 and a ChatRoomStateV1Delta", () => {
    expect(hex(encodeChatRoomParameters(ownerVk))).toBe(V.parameters);
    const state = vectorState();
    expect(hex(encodeChatRoomState(state))).toBe(V.state);
    const delta = encodeChatRoomDelta({
      bans: state.bans,
      members: state.members,
      secrets: {
        currentVersion: 2,
        newVersions: state.secrets.versions,
        newEncryptedSecrets: state.secrets.encryptedSecrets,
      },
    });
    expect(hex(delta)).toBe(V.delta);
  });

  it("decodes what it encodes, and the decoded state re-encodes to the same bytes", () => {
    const bytes = hexToBytes(V.state);
    const state = decodeChatRoomState(bytes);
    expect(hex(encodeChatRoomState(state))).toBe(V.state);
    expect(state.members[0]!.member.invitedBy).toBe(ownerId);
    expect(state.bans[0]!.ban.bannedUser).toBe(memberId);
    expect(state.configuration.configuration.display.description).toEqual(configuration.display.description);
    expect(hex(decodeChatRoomParameters(hexToBytes(V.parameters)))).toBe(V.ownerVk);
    const m = readMember(new CborReader(hexToBytes(V.member)));
    expect(m).toEqual(member);
    expect(readUserBan(new CborReader(hexToBytes(V.ban)))).toEqual(ban);
  });

  it("refuses malformed input with the path of the bad field, never echoing it", () => {
    const bytes = hexToBytes(V.state);
    expect(() => decodeChatRoomState(bytes.subarray(0, bytes.length - 1))).toThrow(RangeError);
    expect(() => decodeChatRoomState(Uint8Array.of(...bytes, 0))).toThrow(/trailing/);
    const w = new CborWriter()
      .mapHeader(2)
      .text("member")
      .text("nope")
      .text("signature")
      .byteArray(new Uint8Array(64));
    expect(() => readAuthorizedMember(new CborReader(w.finish()))).toThrow(/^\.member: expected a map/);
    const short = new CborWriter().mapHeader(1).text("owner").bytes(new Uint8Array(31)).finish();
    expect(() => decodeChatRoomParameters(short)).toThrow(/parameters\.owner: expected 32 bytes/);
    const unknown = new CborWriter().mapHeader(1).text("secretz").null().finish();
    expect(() => readAuthorizedEncryptedSecret(new CborReader(unknown))).toThrow(/unknown field "secretz"/);
    expect(() => decodeChatRoomState(new Uint8Array(0))).toThrow(/end of input/);
  });

  it("accepts the non-canonical forms ciborium accepts (bytes for [u8; N], indefinite lengths)", () => {
    const w = new CborWriter().mapHeader(3);
    w.text("owner_member_id")
      .int(ownerId)
      .text("invited_by")
      .int(ownerId)
      .text("member_vk")
      .byteArray(memberVk);
    expect(readMember(new CborReader(w.finish()))).toEqual(member);
    const indefinite = Uint8Array.of(0xbf, ...new CborWriter().text("owner").bytes(ownerVk).finish(), 0xff);
    expect(hex(decodeChatRoomParameters(indefinite))).toBe(V.ownerVk);
  });
});

// Live oracle: random values encoded here and by cbor2 in one Python process must agree byte for byte.
function cbor2Hex(values: unknown[]): string[] {
  const script =
    "import sys,json,cbor2\n" +
    "def conv(v):\n" +
    "  if isinstance(v,dict) and '$b' in v: return bytes.fromhex(v['$b'])\n" +
    "  if isinstance(v,dict) and '$i' in v: return int(v['$i'])\n" +
    "  if isinstance(v,dict): return {k:conv(x) for k,x in v.items()}\n" +
    "  if isinstance(v,list): return [conv(x) for x in v]\n" +
    "  return v\n" +
    "print(json.dumps([cbor2.dumps(conv(v)).hex() for v in json.load(sys.stdin)]))\n";
  return JSON.parse(execFileSync("python3", ["-c", script], { input: JSON.stringify(values) }).toString());
}

describe("CborWriter against cbor2 (property)", () => {
  it("integers, byte strings, texts, arrays and maps encode as cbor2 encodes them", () => {
    type V = bigint | Uint8Array | string | null | V[] | { [k: string]: V };
    const leaf = fc.oneof(
      fc.bigInt({ min: -(2n ** 63n), max: 2n ** 64n - 1n }),
      fc.uint8Array({ maxLength: 40 }),
      fc.string({ maxLength: 30 }),
      fc.constant(null),
    );
    const tree = fc.letrec<{ v: V }>((tie) => ({
      v: fc.oneof(
        { depthSize: "small" },
        leaf,
        fc.array(tie("v"), { maxLength: 4 }),
        fc.dictionary(fc.string({ maxLength: 8 }), tie("v"), { maxKeys: 4 }),
      ),
    })).v;
    const samples = fc.sample(tree, { numRuns: 300, seed: 19 });
    const write = (w: CborWriter, v: V): void => {
      if (v === null) w.null();
      else if (typeof v === "bigint") v < 0n ? w.int(v) : w.uint(v);
      else if (typeof v === "string") w.text(v);
      else if (v instanceof Uint8Array) w.bytes(v);
      else if (Array.isArray(v)) {
        w.arrayHeader(v.length);
        for (const x of v) write(w, x);
      } else {
        const keys = Object.keys(v);
        w.mapHeader(keys.length);
        for (const k of keys) write(w.text(k), v[k]!);
      }
    };
    const toJson = (v: V): unknown =>
      v === null || typeof v === "string"
        ? v
        : typeof v === "bigint"
          ? { $i: String(v) }
          : v instanceof Uint8Array
            ? { $b: hex(v) }
            : Array.isArray(v)
              ? v.map(toJson)
              : Object.fromEntries(Object.entries(v).map(([k, x]) => [k, toJson(x)]));
    const expected = cbor2Hex(samples.map(toJson));
    samples.forEach((v, i) => {
      const w = new CborWriter();
      write(w, v);
      expect(hex(w.finish())).toBe(expected[i]);
    });
  });
});
