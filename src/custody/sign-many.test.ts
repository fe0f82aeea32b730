// Custody.signMany and the actor argument: signatures checked by node:crypto, one audit entry per message.
import { secp256k1 } from "@noble/curves/secp256k1.js";
import { describe, expect, it } from "vitest";
import { alice, custodyPerTest, nodeVerifyEd25519 } from "../../test/custody-helpers.js";
import { canonicalDecode } from "../crypto/canonical.js";
import { MAX_SIGN_BATCH } from "./sign-request.js";

const setup = custodyPerTest();
const enc = new TextEncoder();

/** The decoded audit bodies of every entry of a kind. */
async function bodies(audit: Awaited<ReturnType<typeof setup>>["audit"], kind: string) {
  const out: Record<string, unknown>[] = [];
  for await (const e of audit.entries()) {
    const body = canonicalDecode("keyward v1 audit-body", Buffer.from(e.body, "hex")) as Record<
      string,
      unknown
    >;
    if (body.kind === kind) out.push(body);
  }
  return out;
}

describe("Custody.signMany", () => {
  it("signs every message in order, each verifying under the path's key, one audit entry per message", async () => {
    const { custody, audit } = await setup();
    const messages = Array.from({ length: 40 }, (_, i) => enc.encode(`message ${i}`));
    const sigs = await custody.signMany(alice, messages, {}, "token:batch");
    expect(sigs).toHaveLength(40);
    const { publicKey } = await custody.key(alice);
    for (const [i, s] of sigs.entries()) {
      expect(s.publicKey).toBe(publicKey);
      expect(nodeVerifyEd25519(publicKey, messages[i]!, s.signature)).toBe(true);
      expect(nodeVerifyEd25519(publicKey, messages[(i + 1) % 40]!, s.signature)).toBe(false);
    }
    const signs = await bodies(audit, "custody.sign");
    expect(signs).toHaveLength(40);
    expect(signs.every((b) => b.actor === "token:batch")).toBe(true);
    // Each entry carries its own message's HMAC, so an operator can find the entry of any one signature.
    const digests = new Set(signs.map((b) => (b.sensitive as { messageHash: string }).messageHash));
    expect(digests.size).toBe(40);
    expect(await audit.verify()).toMatchObject({ ok: true });
  });

  it("signs secp256k1 digests (checked by @noble/curves) and refuses a wrong-length digest by index", async () => {
    const { custody } = await setup();
    const digests = [new Uint8Array(32).fill(1), new Uint8Array(32).fill(2)];
    const sigs = await custody.signMany(alice, digests, { scheme: "secp256k1" });
    for (const [i, s] of sigs.entries()) {
      const compact = Buffer.from(s.signature, "hex").subarray(0, 64);
      expect(
        secp256k1.verify(compact, digests[i]!, Buffer.from(s.publicKey, "hex"), { prehash: false }),
      ).toBe(true);
    }
    await expect(
      custody.signMany(alice, [digests[0]!, new Uint8Array(31)], { scheme: "secp256k1" }),
    ).rejects.toThrow(/messages\[1\]/);
  });

  it("validates the batch: array, 1 to MAX_SIGN_BATCH messages, bytes, actor", async () => {
    const { custody } = await setup();
    await expect(custody.signMany(alice, "x" as unknown as Uint8Array[])).rejects.toThrow(TypeError);
    await expect(custody.signMany(alice, [])).rejects.toThrow(RangeError);
    const tooMany = Array.from({ length: MAX_SIGN_BATCH + 1 }, () => new Uint8Array(1));
    await expect(custody.signMany(alice, tooMany)).rejects.toThrow(RangeError);
    await expect(custody.signMany(alice, [new Uint8Array(1), "m" as unknown as Uint8Array])).rejects.toThrow(
      /messages\[1\]/,
    );
    await expect(custody.sign(alice, new Uint8Array(1), {}, "")).rejects.toThrow(/actor/);
    await expect(custody.signMany(alice, [new Uint8Array(1)], { scheme: "x25519" })).rejects.toThrow(
      RangeError,
    );
  });

  it("refuses a suspended path for the whole batch and writes no sign entry", async () => {
    const { custody, audit } = await setup();
    await custody.key(alice);
    await custody.suspend(alice);
    await expect(custody.signMany(alice, [enc.encode("a"), enc.encode("b")])).rejects.toMatchObject({
      code: "suspended",
    });
    expect(await bodies(audit, "custody.sign")).toHaveLength(0);
  });

  it("the actor argument of sign names the caller on its entry, beside the instance's default", async () => {
    const { custody, audit } = await setup();
    await Promise.all([
      custody.sign(alice, enc.encode("1"), {}, "token:x"),
      custody.sign(alice, enc.encode("2")),
    ]);
    const actors = (await bodies(audit, "custody.sign")).map((b) => b.actor).sort();
    expect(actors).toEqual(["test", "token:x"]);
  });
});
