// The unsealed-MSK cache: bound (oldest evicted and wiped), TTL (expired entries wiped on lookup), clear.
import { describe, expect, it } from "vitest";
import { Secret } from "../crypto/secret.js";
import { MskCache } from "./msk-cache.js";

const key = (b: number) => Secret.from(new Uint8Array(32).fill(b));

describe("MskCache", () => {
  it("keeps at most maxEntries, wiping the oldest when a new one arrives", () => {
    const cache = new MskCache({ maxEntries: 2 });
    const [a, b, c] = [key(1), key(2), key(3)];
    cache.set("a", a);
    cache.set("b", b);
    cache.set("c", c);
    expect(cache.size).toBe(2);
    expect(a.wiped).toBe(true);
    expect(cache.get("a")).toBeUndefined();
    expect(cache.get("b")).toBe(b);
    expect(cache.get("c")?.use((k) => k[0])).toBe(3);
  });

  it("wipes and drops an entry once its TTL has passed", () => {
    let now = 1_000;
    const cache = new MskCache({ ttlMs: 100 }, () => now);
    const a = key(7);
    cache.set("a", a);
    now = 1_099;
    expect(cache.get("a")).toBe(a);
    now = 1_100;
    expect(cache.get("a")).toBeUndefined();
    expect(a.wiped).toBe(true);
    expect(cache.size).toBe(0);
  });

  it("replacing, deleting and clearing wipe what they drop", () => {
    const cache = new MskCache();
    const [a, b, c] = [key(1), key(2), key(3)];
    cache.set("a", a);
    cache.set("a", b);
    expect(a.wiped).toBe(true);
    cache.set("c", c);
    cache.delete("c");
    expect(c.wiped).toBe(true);
    cache.clear();
    expect(b.wiped).toBe(true);
    expect(cache.size).toBe(0);
  });
});
