// Room records against independent vectors (src/rooms/records.vectors.py: canonical bytes by hand with
// struct.pack, Ed25519 from Python `cryptography`, room secrets from b3sum, river-v1 from the Python script).
import { describe, expect, it } from "vitest";
import { bytesToHex } from "../crypto/bytes.js";
import { ed25519PublicKey } from "../crypto/ed25519.js";
import { exportRoom, parseRoomExport } from "./export-format.js";
import { addMemberRecords, newRoomState, rotateRecords } from "./operations.js";
import { rawSeedOwnerKey } from "./owner-key.js";
import { memberSigningBytes, removalSigningBytes, versionSigningBytes } from "./records.js";
import { verifyRoomExport } from "./verify.js";

// Output of `python3 src/rooms/records.vectors.py` (owner seed 11×32; members seeds 03×32 and 07×32).
const V = {
  room: "d04ab232742bb4ab3a1368bd4615e4e6d0224ab71a016baf8520a332c9778737",
  versionSigningBytes0:
    "170000006b65797761726420763120726f6f6d2d76657273696f6e080300000004000000726f6f6d0620000000d04ab232742bb4ab3a1368bd4615e4e6d0224ab71a016baf8520a332c9778737050000007375697465050800000072697665722d76310700000076657273696f6e030000000000000000",
  memberSigningBytes_1_m3:
    "160000006b65797761726420763120726f6f6d2d6d656d62657208070000000a0000006369706865727465787406300000003e6f54c149a5396f1956ef435f7d700ca81bc39865e102c148f4ad1e1e837d878e9a5107ea7180c5b7ad46da7a87a9b512000000657068656d6572616c5075626c69634b657906200000009ada9aa340aa5875a24b494c3f7b4d0b09d993da8f9fd2811acb75343b7b6678060000006d656d6265720620000000ed4928c628d1c2c6eae90338905995612959273a5c63f93636c14614ac8737d1050000006e6f6e6365060c00000000000000000000000000000004000000726f6f6d0620000000d04ab232742bb4ab3a1368bd4615e4e6d0224ab71a016baf8520a332c9778737050000007375697465050800000072697665722d76310700000076657273696f6e030100000000000000",
  removalSigningBytes_m7:
    "170000006b65797761726420763120726f6f6d2d72656d6f76616c0803000000060000006d656d6265720620000000ea4a6c63e29c520abef5507b132ec5f9954776aebebe7b92421eea691446d22c04000000726f6f6d0620000000d04ab232742bb4ab3a1368bd4615e4e6d0224ab71a016baf8520a332c97787370700000076657273696f6e030100000000000000",
  export:
    '{"format":"keyward-room-v1","room":"d04ab232742bb4ab3a1368bd4615e4e6d0224ab71a016baf8520a332c9778737","currentVersion":1,"versions":[{"version":0,"suite":"river-v1","signature":"583fec144ca3aa82148d35d175143a97ce9256cd1aef863c1ee31db344e8bff2cd2d285f7d169054fc1767b0f2e4b33213932568bd794b988d8ff231270d6f08"},{"version":1,"suite":"river-v1","signature":"b29d773f39d6d6ad1d0eb2c67099b4d61b271222161ad74d3a5f5d07d128158aa97602661a3c5e4cdba029e354d0583f2012c220fa2a48814a0e0e5b604ced00"}],"members":[{"version":0,"member":"ea4a6c63e29c520abef5507b132ec5f9954776aebebe7b92421eea691446d22c","suite":"river-v1","ciphertext":"80ccd208ee3c7602ec155d1f8a01e8c87822101f3f79543b88bf4880f3a1843847b895309d11653a7af46b91535803d7","nonce":"000000000000000000000000","ephemeralPublicKey":"15bd39a56e14952088a5f3efa5bec1883e18d3bd709ecdac8d2151ae5925ff74","signature":"0e99238f862cd5b4c1ecd315ec7e34f0498cbf1b5ddf0d89d4bbb300876d30aa8faf8053571a79560b8e6866199f0d983ac1dfa81929e2a2e90525a64c9f4f08"},{"version":0,"member":"ed4928c628d1c2c6eae90338905995612959273a5c63f93636c14614ac8737d1","suite":"river-v1","ciphertext":"2643e88cd8f18cfbc26672ec00d4f8a05db102928b9cdb6efaeb981a52a19bcfaefc596d96181a57fe257e3b71b4c7ec","nonce":"000000000000000000000000","ephemeralPublicKey":"1b18275d6b848f9223de3261ce8d72895f685a10ad18cae313a339d6cc563411","signature":"2ec44ef6713d3e64f2f90b062410c4748d750f2f71521a7f56c6e1decdceb60229d9168a0db84cf38d5709e7c26e4bf1ad5e042a12d3d2dcef72f021fe768405"},{"version":1,"member":"ed4928c628d1c2c6eae90338905995612959273a5c63f93636c14614ac8737d1","suite":"river-v1","ciphertext":"3e6f54c149a5396f1956ef435f7d700ca81bc39865e102c148f4ad1e1e837d878e9a5107ea7180c5b7ad46da7a87a9b5","nonce":"000000000000000000000000","ephemeralPublicKey":"9ada9aa340aa5875a24b494c3f7b4d0b09d993da8f9fd2811acb75343b7b6678","signature":"2a895644501941f1863d4b4cc9220096d7d1ef400dfc5c03458a153d1f26d33fa3d02a7bc8f696903a2df37ea8c72aa97a96eb9eae168e9b9ce1ec938bb48902"}],"removals":[{"member":"ea4a6c63e29c520abef5507b132ec5f9954776aebebe7b92421eea691446d22c","version":1,"signature":"08785f31e3e9ba038ca0a99659bafe8daa816276011f4b4bb2d4661af519d145e5654aca257b473ab70fa263565c765f73c68a662c28bccf46f3027619f3b10b"}]}\n',
};

describe("room records (independent vectors)", () => {
  it("the same room built by keyward exports exactly the Python-assembled bytes", async () => {
    const owner = rawSeedOwnerKey(new Uint8Array(32).fill(0x11));
    const [m3, m7] = [3, 7].map((b) => bytesToHex(ed25519PublicKey(new Uint8Array(32).fill(b))));
    const state = await newRoomState(owner);
    state.merge(await addMemberRecords(state, owner, m3!));
    state.merge(await addMemberRecords(state, owner, m7!));
    state.merge(await rotateRecords(state, owner, [m7!]));
    expect(state.roomHex).toBe(V.room);
    expect(exportRoom(state)).toBe(V.export);
    expect(verifyRoomExport(V.export)).toMatchObject({ valid: true, canonical: true });
  });

  it("signing bytes match the hand-assembled canonical encoding", () => {
    const exp = parseRoomExport(V.export);
    expect(bytesToHex(versionSigningBytes(exp.room, exp.versions[0]!))).toBe(V.versionSigningBytes0);
    const m = exp.members.find((r) => r.version === 1)!;
    expect(bytesToHex(memberSigningBytes(exp.room, m))).toBe(V.memberSigningBytes_1_m3);
    expect(bytesToHex(removalSigningBytes(exp.room, exp.removals[0]!))).toBe(V.removalSigningBytes_m7);
  });
});
