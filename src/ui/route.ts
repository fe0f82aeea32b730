// Hash routes of the dashboard (`#/delegations?delegator=1234&provider=A`): page state only, never the token.

/** The dashboard's pages. */
export const PAGES = ["delegations", "rooms", "delegates", "custody"] as const;
/** One page name. */
export type Page = (typeof PAGES)[number];

/** A parsed location: the page and its form values. */
export interface Route {
  readonly page: Page;
  readonly params: URLSearchParams;
}

/** Parses `location.hash`; anything unknown shows the delegations page. */
export function parseHash(hash: string): Route {
  const body = hash.replace(/^#\/?/, "");
  const q = body.indexOf("?");
  const name = q < 0 ? body : body.slice(0, q);
  const page = (PAGES as readonly string[]).includes(name) ? (name as Page) : "delegations";
  return { page, params: new URLSearchParams(q < 0 ? "" : body.slice(q + 1)) };
}

/** The hash of a page with values (empty ones left out). */
export function hashFor(page: Page, values: Record<string, string | number | undefined> = {}): string {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(values)) if (v !== undefined && v !== "") params.set(k, String(v));
  const qs = params.toString();
  return `#/${page}${qs ? `?${qs}` : ""}`;
}
