// The dashboard's entry point: sign-in with a pasted token (kept in sessionStorage), then a hash-routed shell.
import { ApiError, forgetToken, SIGNED_OUT, signIn, storedToken, tokenId } from "./api.js";
import { h, on, replace } from "./dom.js";
import { custodyPage } from "./pages/custody.js";
import { delegatesPage } from "./pages/delegates.js";
import { delegationsPage } from "./pages/delegations.js";
import { roomsPage } from "./pages/rooms.js";
import { hashFor, type Page, parseHash } from "./route.js";

const TITLES: Record<Page, string> = {
  delegations: "Delegations",
  rooms: "Rooms",
  delegates: "Delegates",
  custody: "Custody & audit",
};
const RENDER = {
  delegations: delegationsPage,
  rooms: roomsPage,
  delegates: delegatesPage,
  custody: custodyPage,
} as const;

const app = document.getElementById("app")!;

function showSignIn(message?: string): void {
  const input = h("input", {
    id: "token",
    name: "token",
    type: "password",
    autocomplete: "off",
    spellcheck: "false",
    placeholder: "kw_…",
    required: true,
  });
  const status = h("p", { class: "status", role: "status" }, message ?? "");
  const form = h(
    "form",
    { class: "sign-in card" },
    h("h1", {}, "keyward dashboard"),
    h(
      "p",
      {},
      "Paste an API token (",
      h("code", {}, "npm start"),
      " prints the dev admin token; ",
      h("code", {}, "keyward token create --scope delegations:read,…"),
      " makes a narrower one). It stays in this tab's session storage, is sent only as an Authorization header and never appears in a URL; each page shows what the token's scopes allow.",
    ),
    h("label", { for: "token" }, "API token", input),
    h("button", { type: "submit" }, "Sign in"),
    status,
  );
  on(form, "submit", (e) => {
    e.preventDefault();
    status.textContent = "Checking the token…";
    signIn(input.value).then(
      () => {
        input.value = "";
        showShell();
      },
      (err: unknown) => {
        status.textContent =
          err instanceof ApiError ? `${err.code}: ${err.message}` : "the server did not answer";
      },
    );
  });
  replace(app, form);
  input.focus();
}

let page: HTMLElement | undefined;
let nav: HTMLElement | undefined;

function showShell(): void {
  const token = storedToken();
  if (!token) {
    showSignIn();
    return;
  }
  const links = (Object.keys(TITLES) as Page[]).map((p) =>
    h("a", { href: hashFor(p), "data-page": p }, TITLES[p]),
  );
  const signOut = on(h("button", { type: "button", class: "link" }, "Sign out"), "click", () => {
    forgetToken();
    showSignIn("Signed out.");
  });
  nav = h("nav", {}, ...links);
  page = h("main", { id: "page" });
  replace(
    app,
    h(
      "header",
      {},
      h("span", { class: "brand" }, "keyward"),
      nav,
      h("span", { class: "who" }, "token ", h("code", {}, tokenId(token)), " ", signOut),
    ),
    page,
  );
  void render();
}

/** Renders the page the hash names (the token is never part of it). */
async function render(): Promise<void> {
  if (!page || !nav || !storedToken()) return;
  const route = parseHash(location.hash);
  for (const a of nav.querySelectorAll("a"))
    a.classList.toggle("active", a.getAttribute("data-page") === route.page);
  document.title = `${TITLES[route.page]} · keyward`;
  const target = page;
  target.setAttribute("aria-busy", "true");
  await RENDER[route.page](target, route.params, (values, replaceOnly) => {
    const next = hashFor(route.page, values);
    if (replaceOnly) history.replaceState(null, "", next);
    else if (next === location.hash) void render();
    else location.hash = next;
  });
  target.setAttribute("aria-busy", "false");
}

window.addEventListener("hashchange", () => void render());
window.addEventListener(SIGNED_OUT, () =>
  showSignIn("The server refused the token (expired, revoked or unknown): sign in again."),
);
if (storedToken()) showShell();
else showSignIn();
