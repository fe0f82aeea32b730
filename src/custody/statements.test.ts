// Key statements against a vector from an independent Python encoder + Python `cryptography` Ed25519.
import { describe, expect, it } from "vitest";
import { bytesToHex, hexToBytes } from "../crypto/bytes.js";
import { type KeyStatement, signStatement, statementBytes, verifyKeyStatement } from "./statements.js";

// Produced by the script in docs/custody.md ("Statement vector"): an independent encoder of the canonical
// format, signed with the RFC 8032 test-1 seed by Python's cryptography.
const STATEMENT: KeyStatement = {
  type: "rotation",
  partition: "acme",
  address: "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f",
  label: "",
  from: { generation: 0, epoch: 1 },
  to: { generation: 1, epoch: 1 },
  keys: [
    {
      scheme: "ed25519",
      old: "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a",
      new: "3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c",
    },
  ],
  time: 1767225600000,
};
const BYTES =
  "180000006b657977617264207631206b65792d73746174656d656e74080800000007000000616464726573730620000000000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f0400000066726f6d08020000000500000065706f63680301000000000000000a00000067656e65726174696f6e030000000000000000040000006b65797307010000000803000000030000006e657706200000003d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c030000006f6c640620000000d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a06000000736368656d65050700000065643235353139050000006c6162656c050000000009000000706172746974696f6e050400000061636d650400000074696d650300a8da769b01000002000000746f08020000000500000065706f63680301000000000000000a00000067656e65726174696f6e03010000000000000004000000747970650508000000726f746174696f6e";
const SIGNATURE =
  "cb1b70ee2025a5d4304f53f46170673fe9c835bd1d77f1fe0a14579bb75c4c6735274369a4e0a85dab8cbe66d87b275df5cb1dba5a32625c7d7996b8e4aba30c";
const SEED = hexToBytes("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60");

describe("key statements", () => {
  it("encode exactly as the independent encoder", () => {
    expect(bytesToHex(statementBytes(STATEMENT))).toBe(BYTES);
  });

  it("sign and verify as Python's cryptography does", () => {
    expect(signStatement("ed25519", SEED, statementBytes(STATEMENT))).toBe(SIGNATURE);
    expect(verifyKeyStatement(STATEMENT, { ed25519: SIGNATURE })).toBe(true);
    expect(verifyKeyStatement({ ...STATEMENT, time: STATEMENT.time + 1 }, { ed25519: SIGNATURE })).toBe(
      false,
    );
    expect(verifyKeyStatement(STATEMENT, { ed25519: "zz" })).toBe(false);
    expect(verifyKeyStatement(STATEMENT, {})).toBe(false);
  });

  it("refuses malformed statements with input errors", () => {
    expect(() => statementBytes({ ...STATEMENT, type: "other" as never })).toThrow(RangeError);
    expect(() => statementBytes({ ...STATEMENT, keys: [] })).toThrow(RangeError);
    expect(() =>
      statementBytes({ ...STATEMENT, keys: [{ ...STATEMENT.keys[0]!, scheme: "rsa" as never }] }),
    ).toThrow(RangeError);
    expect(() => verifyKeyStatement(STATEMENT, null as never)).toThrow(TypeError);
  });
});
