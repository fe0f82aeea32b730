// bincode codecs of freenet's delegate messages: layouts checked byte by byte against freenet-stdlib 0.8.5's
// serde definitions (bincode 1 fixint LE), and the result decoder never throws anything but GuestMemoryError.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { GuestMemoryError } from "./buffer.js";
import { decodeDelegateResult, encodeApplicationMessage, encodeOrigin } from "./delegate-messages.js";

const hex = (s: string) => Uint8Array.from(Buffer.from(s.replace(/\s+/g, ""), "hex"));

describe("bincode delegate messages", () => {
  it("MessageOrigin::WebApp = u32 tag 0 + 32 bytes; none = empty buffer", () => {
    expect(encodeOrigin({ webApp: new Uint8Array(32).fill(9) })).toEqual(hex(`00000000 ${"09".repeat(32)}`));
    expect(encodeOrigin(undefined)).toEqual(new Uint8Array(0));
    const d = encodeOrigin({
      delegate: { key: new Uint8Array(32).fill(1), codeHash: new Uint8Array(32).fill(2) },
    });
    expect(d).toEqual(hex(`01000000 ${"01".repeat(32)} ${"02".repeat(32)}`));
    expect(() => encodeOrigin({ webApp: new Uint8Array(31) })).toThrow(RangeError);
  });

  it("ApplicationMessage = tag, u64 payload length, payload, u64 context length, context, bool", () => {
    expect(encodeApplicationMessage(Uint8Array.of(0xaa, 0xbb))).toEqual(
      hex("00000000 0200000000000000 aabb 0000000000000000 00"),
    );
  });

  it("decodes Ok([ApplicationMessage]) and Err(Other)", () => {
    const ok = hex("00000000 0100000000000000 00000000 0100000000000000 7a 0000000000000000 01");
    expect(decodeDelegateResult(ok)).toEqual({
      ok: true,
      messages: [
        {
          type: "ApplicationMessage",
          payload: Uint8Array.of(0x7a),
          context: new Uint8Array(0),
          processed: true,
        },
      ],
    });
    const err = hex("01000000 01000000 0200000000000000 6e6f");
    expect(decodeDelegateResult(err)).toEqual({ ok: false, error: { kind: "Other", message: "no" } });
    expect(() => decodeDelegateResult(hex("00000000 0000000000000000 00"))).toThrow(/trailing/);
    expect(() => decodeDelegateResult(hex("00000000 0100000000000000 04000000"))).toThrow(
      /PutContractRequest/,
    );
  });

  it("throws only GuestMemoryError on arbitrary bytes", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 80 }), (b) => {
        try {
          decodeDelegateResult(b);
        } catch (e) {
          expect(e).toBeInstanceOf(GuestMemoryError);
        }
      }),
      { numRuns: 1000 },
    );
  });
});
