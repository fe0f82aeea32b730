// Hash routes: page state round-trips through the hash; unknown pages fall back; no value is lost or added.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { hashFor, PAGES, parseHash } from "./route.js";

describe("hash routes", () => {
  it("parses the page and its values", () => {
    const r = parseHash("#/delegations?delegator=1234&provider=A&at=150");
    expect(r.page).toBe("delegations");
    expect(Object.fromEntries(r.params)).toEqual({ delegator: "1234", provider: "A", at: "150" });
    expect(parseHash("").page).toBe("delegations");
    expect(parseHash("#/nope?x=1").page).toBe("delegations");
    expect(parseHash("#/rooms").page).toBe("rooms");
  });

  it("leaves empty values out", () => {
    expect(hashFor("rooms", { room: "team", x: "", y: undefined })).toBe("#/rooms?room=team");
    expect(hashFor("custody")).toBe("#/custody");
  });

  it("property: any values round-trip, including names with markup and reserved characters", () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...PAGES),
        fc.dictionary(fc.stringMatching(/^[a-z]{1,8}$/), fc.string({ minLength: 1, maxLength: 40 })),
        (page, values) => {
          const r = parseHash(hashFor(page, values));
          expect(r.page).toBe(page);
          expect(Object.fromEntries(r.params)).toEqual(values);
        },
      ),
    );
  });
});
