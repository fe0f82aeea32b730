// Seen-id tables: the hashed table answers as the exact Map does (first line of an id, 0 for a new one), grown or not.
import fc from "fast-check";
import { expect, it } from "vitest";
import { ExactSeenIds, HashedSeenIds } from "./seen-ids.js";

it("the hashed table gives the line of an id's first use, as the exact Map does", () => {
  fc.assert(
    fc.property(fc.array(fc.string({ maxLength: 6 }), { maxLength: 300 }), (ids) => {
      const exact = new ExactSeenIds();
      const hashed = new HashedSeenIds();
      ids.forEach((id, i) => {
        const first = ids.indexOf(id);
        const want = first === i ? 0 : first + 1;
        expect(exact.firstOrAdd(id, i + 1)).toBe(want);
        expect(hashed.firstOrAdd(id, i + 1)).toBe(want);
      });
    }),
  );
  expect([new ExactSeenIds().exact, new HashedSeenIds().exact]).toEqual([true, false]);
});

it("keeps every id across growth (200,000 ids, then each again)", () => {
  const hashed = new HashedSeenIds();
  const n = 200_000;
  const wrong: number[] = [];
  for (let i = 0; i < n; i++) if (hashed.firstOrAdd(`${1_000_000 + i}-${i % 4}`, i + 1) !== 0) wrong.push(i);
  for (let i = 0; i < n; i++)
    if (hashed.firstOrAdd(`${1_000_000 + i}-${i % 4}`, n + i + 1) !== i + 1) wrong.push(i);
  expect(wrong).toEqual([]);
  expect(() => hashed.firstOrAdd("x", 2 ** 32)).toThrow(RangeError);
});
