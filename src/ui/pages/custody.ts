// Custody & audit page: partitions, an identity's history (generations, rotation and remap statements, status
// changes) and whether the audit log's hash chain and MACs verify.
import { get } from "../api.js";
import { h, on, replace, s } from "../dom.js";
import { errorBox, hex, kvTable, type Navigate, pageForm, section, time } from "./common.js";

interface HistoryEvent {
  readonly kind: string;
  readonly generation: number;
  readonly epoch: number | null;
  readonly publicKeys: Record<string, string>;
  readonly statement?: {
    type: string;
    from: { generation: number; epoch: number | null };
    to: { generation: number; epoch: number | null };
  };
  readonly signatures?: Record<string, string>;
  readonly version: number;
  readonly time: string;
}
interface IdentityHistory {
  readonly address: string;
  readonly identity: string;
  readonly label: string;
  readonly status: string;
  readonly generation: number;
  readonly epoch: number;
  readonly events: readonly HistoryEvent[];
}

/** Generation over the identity's events: a step line, one marker per event, labelled by kind. */
function generationChart(events: readonly HistoryEvent[]): SVGSVGElement {
  const top = Math.max(1, ...events.map((e) => e.generation));
  const step = 110;
  const width = 60 + Math.max(1, events.length) * step;
  const y = (g: number) => 110 - (g / top) * 70;
  const svg = s("svg", {
    class: "generations",
    viewBox: `0 0 ${width} 150`,
    width,
    height: 150,
    role: "img",
    "aria-label": "key generation across the identity's history",
  });
  for (let g = 0; g <= top; g++)
    svg.append(s("text", { x: 30, y: y(g) + 4, "text-anchor": "end", class: "lane-sub" }, `gen ${g}`));
  let d = "";
  events.forEach((e, i) => {
    const x = 60 + i * step;
    d += i === 0 ? `M${x},${y(e.generation)}` : ` H${x} V${y(e.generation)}`;
  });
  svg.append(s("path", { d, class: "edge step" }));
  events.forEach((e, i) => {
    const x = 60 + i * step;
    const marker = s("circle", {
      cx: x,
      cy: y(e.generation),
      r: 6,
      class: `node event ${e.kind}`,
      "data-kind": e.kind,
      "data-generation": e.generation,
    });
    marker.append(s("title", {}, `${e.kind} at generation ${e.generation} (${e.time})`));
    svg.append(marker, s("text", { x, y: 136, "text-anchor": "middle", class: "lane-sub" }, e.kind));
  });
  return svg;
}

function eventRow(e: HistoryEvent): HTMLElement {
  const keys = Object.entries(e.publicKeys);
  return h(
    "tr",
    { "data-kind": e.kind, "data-version": String(e.version) },
    h("td", {}, String(e.version)),
    h("td", {}, time(e.time)),
    h("td", {}, e.kind),
    h("td", {}, String(e.generation), e.epoch === null ? " (legacy)" : ` · epoch ${e.epoch}`),
    h("td", {}, ...keys.flatMap(([scheme, key]) => [h("div", {}, `${scheme} `, hex(key))])),
    h(
      "td",
      {},
      e.statement
        ? `${e.statement.type}: gen ${e.statement.from.generation} → ${e.statement.to.generation}, signed (${Object.keys(e.signatures ?? {}).join(", ")}) by the old key`
        : "—",
    ),
  );
}

async function auditCard(): Promise<HTMLElement> {
  const body = h("div", {}, h("p", { class: "status" }, "Verifying…"));
  const card = section("Audit log", body);
  const run = async () => {
    replace(body, h("p", { class: "status" }, "Verifying…"));
    try {
      const r = await get<{ ok: boolean; entries: number; firstBadSeq?: number; reason?: string }>([
        "audit",
        "verify",
      ]);
      replace(
        body,
        h(
          "p",
          { class: r.ok ? "ok audit-status" : "bad audit-status", "data-ok": String(r.ok) },
          r.ok
            ? `The hash chain and MACs verify: ${r.entries} entries.`
            : `Broken at entry ${r.firstBadSeq ?? "?"}: ${r.reason ?? "unknown reason"} (${r.entries} entries).`,
        ),
        on(h("button", { type: "button", class: "secondary" }, "Verify again"), "click", () => void run()),
      );
    } catch (err) {
      replace(body, errorBox(err));
    }
  };
  await run();
  return card;
}

/** Renders the page into `root` for the values in `params`. */
export async function custodyPage(root: HTMLElement, params: URLSearchParams, go: Navigate): Promise<void> {
  const v = (k: string) => params.get(k) ?? "";
  const form = pageForm(
    [
      { name: "partition", label: "Partition", value: v("partition"), placeholder: "acme", required: true },
      {
        name: "identity",
        label: "Identity",
        value: v("identity"),
        placeholder: "email:alice@example.com",
        required: true,
      },
      { name: "label", label: "Child label (optional)", value: v("label") },
    ],
    "Show history",
    (values) => go(values),
  );
  const partitions = h("div", {}, h("p", { class: "status" }, "Loading partitions…"));
  const result = h("div", { class: "result" });
  const audit = h("div", {});
  replace(root, h("h1", {}, "Custody & audit"), audit, section("Identities", partitions, form), result);
  const pending = [
    auditCard().then((card) => replace(audit, card)),
    get<{ partitions: { name: string; epoch: number; createdAt: string }[] }>(["partitions"]).then(
      ({ partitions: list }) =>
        replace(
          partitions,
          list.length === 0
            ? h("p", { class: "empty" }, "No partition exists.")
            : h(
                "table",
                { class: "partitions" },
                h(
                  "thead",
                  {},
                  h("tr", {}, h("th", {}, "partition"), h("th", {}, "MSK epoch"), h("th", {}, "created")),
                ),
                h(
                  "tbody",
                  {},
                  ...list.map((p) =>
                    h(
                      "tr",
                      {},
                      h("td", {}, p.name),
                      h("td", {}, String(p.epoch)),
                      h("td", {}, time(p.createdAt)),
                    ),
                  ),
                ),
              ),
        ),
      (err: unknown) => replace(partitions, errorBox(err)),
    ),
  ];
  if (v("partition") && v("identity")) {
    try {
      const hist = await get<IdentityHistory>(
        ["partitions", v("partition"), "identities", v("identity"), "history"],
        {
          label: v("label"),
        },
      );
      replace(
        result,
        section(
          hist.identity,
          kvTable([
            ["address", hex(hist.address, 12)],
            ["label", hist.label || "—"],
            ["status", h("span", { class: hist.status === "active" ? "ok" : "bad" }, hist.status)],
            ["generation", String(hist.generation)],
            ["MSK epoch", String(hist.epoch)],
          ]),
          generationChart(hist.events),
          h(
            "table",
            { class: "events" },
            h(
              "thead",
              {},
              h(
                "tr",
                {},
                ...["#", "time", "event", "generation", "public keys", "statement"].map((t) =>
                  h("th", {}, t),
                ),
              ),
            ),
            h("tbody", {}, ...hist.events.map(eventRow)),
          ),
        ),
      );
    } catch (err) {
      replace(result, errorBox(err));
    }
  }
  await Promise.all(pending);
}
