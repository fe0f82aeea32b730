// The unseal gate over a real SQLite store: progress, repeats, a wrong share resetting progress, the audit entry.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { initializeStorage } from "../store/open.js";
import { encodeShare, newUnsealShares } from "../store/sealing/key-shares.js";
import { resolveConfig } from "./config.js";
import type { Keyward } from "./keyward.js";
import { keywardOpener, UNSEALED, UnsealGate } from "./unseal-gate.js";

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function sharesStore(split: { shares: number; threshold: number }) {
  const dir = mkdtempSync(join(tmpdir(), "keyward-i23s-gate-"));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  const shares = await newUnsealShares(split);
  await initializeStorage({ dataDir: dir, unseal: { shares, split } });
  const texts = shares.map(encodeShare);
  const config = resolveConfig({ data: dir }, {});
  const gate = new UnsealGate<Keyward>({ split, open: keywardOpener(config) });
  cleanups.push(async () => {
    await gate.value?.close();
  });
  return { gate, shares: texts };
}

describe("UnsealGate", () => {
  it("counts distinct shares, opens at K, audits who unsealed (never a share), then ignores more shares", async () => {
    const { gate, shares } = await sharesStore({ shares: 5, threshold: 3 });
    expect(gate.status()).toEqual({ sealed: true, threshold: 3, shares: 5, received: 0 });
    expect(await gate.submit(shares[0], "10.0.0.1")).toMatchObject({ sealed: true, received: 1 });
    expect(await gate.submit(shares[0], "10.0.0.1")).toMatchObject({ sealed: true, received: 1 });
    expect(await gate.submit(shares[3], "10.0.0.2")).toMatchObject({ sealed: true, received: 2 });
    expect(gate.value).toBeUndefined();
    expect(await gate.submit(shares[4], "10.0.0.3")).toEqual({
      sealed: false,
      threshold: 3,
      shares: 5,
      received: 0,
    });
    const kw = gate.value!;
    const entries = [];
    for await (const e of kw.audit.entries()) entries.push(e);
    const body = Buffer.from(entries.at(-1)!.body, "hex").toString("utf8");
    expect(body).toContain("sys.unseal");
    expect(body).toContain("10.0.0.1,10.0.0.2,10.0.0.3");
    for (const s of shares) expect(body).not.toContain(s);
    expect((await kw.audit.verify()).ok).toBe(true);
    expect(await gate.submit(shares[1], "10.0.0.4")).toMatchObject({ sealed: false });
  });

  it("a wrong share: unseal_failed naming no share, progress reset, the right ones still open it", async () => {
    const { gate, shares } = await sharesStore({ shares: 3, threshold: 2 });
    const wrong = `${shares[1]!.slice(0, 4)}${shares[1]![4] === "f" ? "e" : "f"}${shares[1]!.slice(5)}`;
    await gate.submit(shares[0], "a");
    const err = await gate.submit(wrong, "b").catch((e: unknown) => e);
    expect(err).toMatchObject({ code: "unseal_failed" });
    expect((err as Error).message).not.toContain(wrong);
    expect((err as Error).message).not.toContain(shares[0]!);
    expect(gate.status()).toMatchObject({ sealed: true, received: 0 });
    // Two different shares with one index: refused at once, progress reset.
    await gate.submit(shares[1], "a");
    await expect(gate.submit(wrong, "b")).rejects.toMatchObject({ code: "unseal_failed" });
    expect(gate.status().received).toBe(0);
    await gate.submit(shares[2], "a");
    expect(await gate.submit(shares[1], "b")).toMatchObject({ sealed: false });
  });

  it("garbled input is invalid_input and changes nothing; concurrent submissions are serialised", async () => {
    const { gate, shares } = await sharesStore({ shares: 3, threshold: 3 });
    expect(() => gate.submit("not a share", "x")).toThrow(RangeError);
    expect(() => gate.submit(undefined, "x")).toThrow(TypeError);
    const all = await Promise.all(shares.map((s, i) => gate.submit(s, `c${i}`)));
    expect(all.map((s) => s.sealed)).toEqual([true, true, false]);
    expect(gate.value).toBeDefined();
  });

  it("UNSEALED (a passphrase or key-file server) reports unsealed and takes no share", async () => {
    expect(await UNSEALED.submit("x", "y")).toEqual({ sealed: false, threshold: 0, shares: 0, received: 0 });
  });
});
