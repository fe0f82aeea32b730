// Delegates page: apps → their certified versions (revoked or live) → migrations between them, and secret
// names per version; a value is fetched only when its Reveal button is clicked (delegates:secrets).
import { get } from "../api.js";
import { h, on, replace, s } from "../dom.js";
import { errorBox, hex, type Navigate, pageForm, section, time } from "./common.js";

interface App {
  readonly name: string;
  readonly publicKey: string;
  readonly sequence: number;
}
interface Version {
  readonly delegateKey: string;
  readonly version: number;
  readonly codeHash: string;
  readonly registeredAt: string;
  readonly revoked: { at: string; reason: string } | null;
}
interface Status extends Version {
  readonly migratedTo: { to: string; migration: string; at: string } | null;
  readonly secrets: number;
  readonly sessions: number;
}

const NODE_W = 120;
const GAP = 60;

/** The version chain: one node per version, an arrow for each migration (secrets moved from → to). */
function chain(statuses: readonly Status[]): SVGSVGElement {
  const index = new Map(statuses.map((st, i) => [st.delegateKey, i]));
  const width = 20 + statuses.length * (NODE_W + GAP);
  const svg = s("svg", {
    class: "chain",
    viewBox: `0 0 ${width} 150`,
    width,
    height: 150,
    role: "img",
    "aria-label": "delegate versions and migrations",
  });
  svg.append(
    s(
      "defs",
      {},
      s(
        "marker",
        {
          id: "arrow",
          viewBox: "0 0 10 10",
          refX: 9,
          refY: 5,
          markerWidth: 7,
          markerHeight: 7,
          orient: "auto",
        },
        s("path", { d: "M0,0 L10,5 L0,10 z", class: "arrow-head" }),
      ),
    ),
  );
  const x = (i: number) => 20 + i * (NODE_W + GAP);
  statuses.forEach((st, i) => {
    const state = st.revoked ? "revoked" : st.migratedTo ? "migrated" : "live";
    const g = s("g", { class: `version ${state}`, "data-version": st.version, "data-state": state });
    g.append(
      s("rect", { x: x(i), y: 60, width: NODE_W, height: 56, rx: 6, class: `node ${state}` }),
      s(
        "text",
        { x: x(i) + NODE_W / 2, y: 82, "text-anchor": "middle", class: "lane-label" },
        `v${st.version}`,
      ),
      s(
        "text",
        { x: x(i) + NODE_W / 2, y: 102, "text-anchor": "middle", class: "lane-sub" },
        st.revoked ? "revoked" : st.migratedTo ? "migrated away" : "certified",
      ),
    );
    svg.append(g);
    const target = st.migratedTo ? index.get(st.migratedTo.to) : undefined;
    if (target !== undefined) {
      const x1 = x(i) + NODE_W / 2;
      const x2 = x(target) + NODE_W / 2;
      const edge = s("path", {
        d: `M${x1},60 C${x1},${20} ${x2},${20} ${x2},58`,
        class: "edge",
        "data-from": st.version,
        "data-to": statuses[target]!.version,
      });
      edge.append(
        s(
          "title",
          {},
          `migration ${st.migratedTo!.migration}: v${st.version} → v${statuses[target]!.version}`,
        ),
      );
      svg.append(edge);
    }
  });
  return svg;
}

/** A secret name with a Reveal button: the value is fetched on click only and can be hidden again. */
function secretRow(key: string, name: string): HTMLElement {
  const value = h("span", { class: "value" });
  const button = h("button", { type: "button", class: "secondary", "data-reveal": name }, "Reveal");
  let shown = false;
  on(button, "click", () => {
    if (shown) {
      value.replaceChildren();
      button.textContent = "Reveal";
      shown = false;
      return;
    }
    get<{ value: string }>(["delegates", key, "secrets", name], { encoding: "utf8" }).then(
      (r) => {
        replace(value, h("code", { class: "secret-value" }, r.value));
        button.textContent = "Hide";
        shown = true;
      },
      (err: unknown) => replace(value, errorBox(err)),
    );
  });
  return h("li", { "data-secret": name }, h("code", {}, name), " ", button, " ", value);
}

async function secretsOf(st: Status): Promise<HTMLElement> {
  try {
    const { names } = await get<{ names: string[] }>(["delegates", st.delegateKey, "secrets"]);
    return h(
      "div",
      { class: "secrets", "data-version": String(st.version) },
      h("h3", {}, `Secrets of v${st.version}`),
      names.length
        ? h("ul", {}, ...names.map((n) => secretRow(st.delegateKey, n)))
        : h("p", { class: "empty" }, "none"),
    );
  } catch (err) {
    return errorBox(err);
  }
}

/** Renders the page into `root` for the values in `params`. */
export async function delegatesPage(root: HTMLElement, params: URLSearchParams, go: Navigate): Promise<void> {
  const selected = params.get("app") ?? "";
  const form = pageForm(
    [{ name: "app", label: "App", value: selected, placeholder: "chat", required: true }],
    "Show versions",
    (values) => go(values),
  );
  const apps = h("div", {}, h("p", { class: "status" }, "Loading apps…"));
  const result = h("div", { class: "result" });
  replace(root, h("h1", {}, "Delegates"), section("Apps", form, apps), result);
  get<{ apps: App[] }>(["apps"]).then(
    ({ apps: list }) =>
      replace(
        apps,
        list.length === 0
          ? h("p", { class: "empty" }, "No app is registered.")
          : h(
              "ul",
              { class: "apps" },
              ...list.map((a) =>
                h(
                  "li",
                  {},
                  on(h("a", { href: "#", "data-app": a.name }, a.name), "click", (e) => {
                    e.preventDefault();
                    go({ app: a.name });
                  }),
                  " key ",
                  hex(a.publicKey),
                  ` (rotation ${a.sequence})`,
                ),
              ),
            ),
      ),
    (err: unknown) => replace(apps, errorBox(err)),
  );
  if (!selected) return;
  let statuses: Status[];
  try {
    const { versions } = await get<{ versions: Version[] }>(["apps", selected, "versions"]);
    statuses = await Promise.all(versions.map((v) => get<Status>(["delegates", v.delegateKey])));
  } catch (err) {
    replace(result, errorBox(err));
    return;
  }
  statuses.sort((a, b) => a.version - b.version);
  const byKey = new Map(statuses.map((st) => [st.delegateKey, st]));
  const rows = statuses.map((st) =>
    h(
      "tr",
      { "data-version": String(st.version) },
      h("td", {}, `v${st.version}`),
      h("td", {}, hex(st.delegateKey)),
      h("td", {}, time(st.registeredAt)),
      h(
        "td",
        {},
        st.revoked
          ? h("span", { class: "bad" }, "revoked ", time(st.revoked.at), ": ", st.revoked.reason)
          : h("span", { class: "ok" }, "certified"),
      ),
      h(
        "td",
        {},
        st.migratedTo
          ? `→ v${byKey.get(st.migratedTo.to)?.version ?? "?"} (${st.migratedTo.migration})`
          : "—",
      ),
      h("td", {}, String(st.secrets)),
      h("td", {}, String(st.sessions)),
    ),
  );
  replace(
    result,
    section(
      `Versions of ${selected}`,
      chain(statuses),
      h(
        "table",
        { class: "versions" },
        h(
          "thead",
          {},
          h(
            "tr",
            {},
            ...[
              "version",
              "delegate key",
              "registered",
              "certificate",
              "migrated",
              "secrets",
              "sessions",
            ].map((t) => h("th", {}, t)),
          ),
        ),
        h("tbody", {}, ...rows),
      ),
    ),
    section(
      "Secrets",
      h(
        "p",
        { class: "hint" },
        "Names only; a value is fetched when you click Reveal (needs delegates:secrets).",
      ),
      ...(await Promise.all(statuses.filter((st) => st.secrets > 0).map(secretsOf))),
      statuses.some((st) => st.secrets > 0) ? "" : h("p", { class: "empty" }, "No version holds a secret."),
    ),
  );
}
