// Key shares: split/combine wiring over shamir-secret-sharing, validation, share text, and a store sealed by shares.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { bytesToHex } from "../../crypto/bytes.js";
import { openStorage } from "../open.js";
import type { SealedStorage } from "../sealed-storage.js";
import { openSqliteBackend } from "../sqlite/sqlite-backend.js";
import {
  combineShares,
  encodeShare,
  newUnsealShares,
  parseShare,
  parseSharesText,
  readSharesFile,
  validateShareSplit,
} from "./key-shares.js";
import { resolveRootKey } from "./root-key.js";
import { initializeSealing, readUnsealMode, rotateRootKey, unsealKeyring } from "./unseal.js";

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), "keyward-i23s-unit-"));
  dirs.push(d);
  return d;
}

/** Every k-element subset of `items`. */
function subsets<T>(items: readonly T[], k: number): T[][] {
  if (k === 0) return [[]];
  return items.flatMap((x, i) => subsets(items.slice(i + 1), k - 1).map((rest) => [x, ...rest]));
}

describe("validateShareSplit", () => {
  it("accepts 2 ≤ K ≤ N ≤ 255 and names the flag otherwise", () => {
    expect(validateShareSplit({ shares: 2, threshold: 2 })).toEqual({ shares: 2, threshold: 2 });
    expect(validateShareSplit({ shares: 255, threshold: 255 })).toEqual({ shares: 255, threshold: 255 });
    const flags = { shares: "--shares", threshold: "--threshold" };
    expect(() => validateShareSplit({ shares: 256, threshold: 2 }, flags)).toThrow(
      /^--shares must be 2…255$/,
    );
    expect(() => validateShareSplit({ shares: 1, threshold: 1 }, flags)).toThrow(RangeError);
    expect(() => validateShareSplit({ shares: 5, threshold: 1 }, flags)).toThrow(
      /--threshold must be at least 2/,
    );
    expect(() => validateShareSplit({ shares: 3, threshold: 4 }, flags)).toThrow(
      /--threshold must not exceed/,
    );
    expect(() => validateShareSplit({ shares: 2.5, threshold: 2 }, flags)).toThrow(TypeError);
  });
});

describe("split and combine", () => {
  it("any 3 of 5 shares recombine the same key; 2 are refused; the same share twice is refused", async () => {
    const shares = await newUnsealShares({ shares: 5, threshold: 3 });
    expect(shares).toHaveLength(5);
    for (const s of shares) expect(s.length).toBe(33);
    expect(new Set(shares.map((s) => s[32])).size).toBe(5);
    const keys = new Set<string>();
    for (const subset of subsets(shares, 3)) keys.add(bytesToHex(await combineShares(subset, 3)));
    expect(keys.size).toBe(1);
    // More than K shares give the same key too.
    keys.add(bytesToHex(await combineShares(shares, 3)));
    expect(keys.size).toBe(1);
    await expect(combineShares(shares.slice(0, 2), 3)).rejects.toMatchObject({ code: "unseal_failed" });
    await expect(combineShares([shares[0]!, shares[0]!, shares[1]!], 3)).rejects.toMatchObject({
      code: "unseal_failed",
    });
  });

  it("two splits never share a key (each init draws a fresh random key)", async () => {
    const a = await combineShares((await newUnsealShares({ shares: 2, threshold: 2 })).slice(0, 2), 2);
    const b = await combineShares((await newUnsealShares({ shares: 2, threshold: 2 })).slice(0, 2), 2);
    expect(bytesToHex(a)).not.toBe(bytesToHex(b));
  });
});

describe("share text", () => {
  it("round-trips 66 hex characters; refuses anything else without echoing it", () => {
    const share = Uint8Array.from({ length: 33 }, (_, i) => i + 1);
    expect(bytesToHex(parseShare(encodeShare(share)))).toBe(bytesToHex(share));
    expect(() => parseShare("SECRET-123")).toThrow(/^share must be 66 hex characters$/);
    expect(() => parseShare(42)).toThrow(TypeError);
    expect(() => parseShare(`${"ab".repeat(32)}00`)).toThrow(/not a valid share/);
  });

  it("reads labelled lines, skips blanks and comments, and names a bad line", () => {
    const a = "01".repeat(33);
    const b = "02".repeat(33);
    const parsed = parseSharesText(`# shares\n\nshare 1 of 5: ${a}\r\n  ${b}  \n`);
    expect(parsed.map(bytesToHex)).toEqual([a, b]);
    expect(() => parseSharesText(`${a}\nnot-hex-SECRET\n`)).toThrow(/^share on line 2 must be 66 hex/);
    const dir = tempDir();
    writeFileSync(join(dir, "s.txt"), `${a}\n`);
    expect(readSharesFile(join(dir, "s.txt")).map(bytesToHex)).toEqual([a]);
    expect(() => readSharesFile(join(dir, "missing.txt"))).toThrow(/cannot read shares file/);
  });
});

describe("a store sealed by key shares", () => {
  it("records its mode, unseals with K shares, refuses K−1, a wrong share and other modes' material", async () => {
    const dir = tempDir();
    const raw = await openSqliteBackend(join(dir, "keyward.db"));
    try {
      const split = { shares: 4, threshold: 2 };
      const shares = await newUnsealShares(split);
      await initializeSealing(raw, { shares, split });
      expect(await readUnsealMode(raw)).toEqual({ kind: "shares", shares: 4, threshold: 2 });
      const keyring = await unsealKeyring(raw, { shares: [shares[3]!, shares[1]!] });
      expect(keyring.activeVersion).toBe(1);
      keyring.wipe();
      await expect(unsealKeyring(raw, { shares: [shares[0]!] })).rejects.toMatchObject({
        code: "unseal_failed",
      });
      const wrong = Uint8Array.from(shares[2]!);
      wrong[0]! ^= 1;
      await expect(unsealKeyring(raw, { shares: [shares[0]!, wrong] })).rejects.toMatchObject({
        code: "unseal_failed",
      });
      await expect(unsealKeyring(raw, { passphrase: "pw" })).rejects.toThrow(
        /sealed with key shares \(2 of 4\), not a passphrase/,
      );
      // Re-split under a passphrase and back: the old shares stop working each time.
      const open = await unsealKeyring(raw, { shares: shares.slice(0, 2) });
      await rotateRootKey(raw, open, { passphrase: "correct horse" });
      expect(await readUnsealMode(raw)).toEqual({ kind: "passphrase" });
      await expect(unsealKeyring(raw, { shares: shares.slice(0, 2) })).rejects.toThrow(/not key shares/);
      const next = await newUnsealShares({ shares: 3, threshold: 3 });
      await rotateRootKey(raw, open, { shares: next, split: { shares: 3, threshold: 3 } });
      open.wipe();
      expect(await readUnsealMode(raw)).toEqual({ kind: "shares", shares: 3, threshold: 3 });
      await expect(unsealKeyring(raw, { shares: shares.slice(0, 3) })).rejects.toMatchObject({
        code: "unseal_failed",
      });
      (await unsealKeyring(raw, { shares: next })).wipe();
      await expect(
        resolveRootKey({ shares: next.slice(0, 2) }, { kind: "shares", threshold: 3 }),
      ).rejects.toThrow(/3 shares are needed, 2 given/);
    } finally {
      await raw.close();
    }
  });

  it("opens through openStorage from a shares file (KEYWARD_UNSEAL_SHARES_FILE's material)", async () => {
    const dir = tempDir();
    const split = { shares: 3, threshold: 2 };
    const shares = await newUnsealShares(split);
    const first = (await openStorage({
      dataDir: dir,
      unseal: { shares, split },
      createIfMissing: true,
    })) as SealedStorage;
    await first.close();
    writeFileSync(join(dir, "two.txt"), `${encodeShare(shares[2]!)}\n${encodeShare(shares[0]!)}\n`);
    const storage = await openStorage({ dataDir: dir, unseal: { sharesFile: join(dir, "two.txt") } });
    await storage.close();
  });
});
