// The contract runner on River's real room contract: verdicts, refusals as values, bad modules refused.
import { readFileSync } from "node:fs";
import { afterAll, describe, expect, it } from "vitest";
import { KeywardError } from "../../errors/keyward-error.js";
import { encodeUpdates } from "./contract-abi.js";
import { ContractRunner } from "./contract-runner.js";

const wasm = readFileSync("test/fixtures/river/room_contract_current.wasm");
const runner = await ContractRunner.open(wasm);
afterAll(() => runner.close());
// ciborium ChatRoomParametersV1 { owner: [0x11; 32] }: a1 (1-entry map), 65 "owner", 58 20 (32-byte string)
const params = Uint8Array.from([
  0xa1,
  0x65,
  ...Buffer.from("owner"),
  0x58,
  0x20,
  ...new Uint8Array(32).fill(0x11),
]);

describe("ContractRunner", () => {
  it("an empty state is Valid (River's contract allows it)", async () => {
    expect(await runner.validateState(params, new Uint8Array(0))).toEqual({
      ok: true,
      value: { kind: "Valid" },
    });
  });

  it("a state that is not CBOR comes back as the contract's own Deser error, not a failure", async () => {
    const r = await runner.validateState(params, Uint8Array.of(0xff, 0x00));
    expect(r.ok).toBe(false);
    expect(!r.ok && r.error.kind).toBe("Deser");
  });

  it("update_state with an empty delta on an empty state is the contract's refusal to read it", async () => {
    const r = await runner.updateState(params, new Uint8Array(0), [
      { kind: "Delta", delta: new Uint8Array(0) },
    ]);
    expect(r.ok).toBe(false);
  });

  it("bincode of Vec<UpdateData>: u64 count, u32 variant, u64 length, bytes", () => {
    expect(Buffer.from(encodeUpdates([{ kind: "Delta", delta: Uint8Array.of(7) }])).toString("hex")).toBe(
      "0100000000000000" + "01000000" + "0100000000000000" + "07",
    );
  });

  it("refuses bytes that are not a contract module", async () => {
    const err = await ContractRunner.open(Uint8Array.of(0, 1, 2, 3)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(KeywardError);
    expect((err as KeywardError).code).toBe("invalid_module");
    const delegate = readFileSync("test/fixtures/river/chat_delegate_current.wasm");
    const err2 = await ContractRunner.open(delegate).catch((e: unknown) => e);
    expect((err2 as KeywardError).code).toBe("invalid_module");
  });
});
