// Rooms page: a room's versions, the members holding each version's secret, and removals (GET /v1/rooms/{room}
// for the summary, its canonical export for the per-version records).
import { get } from "../api.js";
import { h, replace, s } from "../dom.js";
import { errorBox, hex, kvTable, type Navigate, pageForm, section } from "./common.js";

interface RoomSummary {
  readonly room: string;
  readonly name: string | null;
  readonly owner: string;
  readonly version: number;
  readonly versions: number;
  readonly members: readonly string[];
  readonly removed: readonly { member: string; version: number }[];
  readonly exposed: readonly string[];
}
/** The parts of a `keyward-room-v1` export the page draws (docs/wire-format.md). */
interface RoomExport {
  readonly versions: readonly { version: number; suite: string }[];
  readonly members: readonly { version: number; member: string }[];
  readonly removals: readonly { member: string; version: number }[];
}

const CELL = 26;
const LEFT = 170;

/** The member × version grid: filled where the member holds that version's secret, marked where removed. */
function membershipGrid(summary: RoomSummary, exp: RoomExport): SVGSVGElement {
  const versions = exp.versions.map((v) => v.version).sort((a, b) => a - b);
  const held = new Set(exp.members.map((m) => `${m.version}:${m.member}`));
  const removedAt = new Map(exp.removals.map((r) => [r.member, r.version]));
  const members = [...new Set(exp.members.map((m) => m.member))].sort((a, b) => {
    const ra = removedAt.has(a) ? 1 : 0;
    const rb = removedAt.has(b) ? 1 : 0;
    return ra - rb || (a < b ? -1 : 1);
  });
  const width = LEFT + versions.length * CELL + 20;
  const height = 30 + members.length * CELL + 10;
  const svg = s("svg", {
    class: "membership",
    viewBox: `0 0 ${width} ${height}`,
    width,
    height,
    role: "img",
    "aria-label": `members of room ${summary.name ?? summary.room} per version`,
  });
  versions.forEach((v, i) => {
    const x = LEFT + i * CELL + CELL / 2 - 2;
    svg.append(s("text", { x, y: 18, "text-anchor": "middle", class: "lane-sub" }, `v${v}`));
  });
  members.forEach((m, row) => {
    const y = 28 + row * CELL;
    const g = s("g", { class: "member-row", "data-member": m });
    g.append(s("text", { x: LEFT - 10, y: y + 16, "text-anchor": "end" }, `${m.slice(0, 8)}…${m.slice(-4)}`));
    versions.forEach((v, col) => {
      const has = held.has(`${v}:${m}`);
      const removed = removedAt.get(m);
      const kind = has ? "cell" : removed !== undefined && v >= removed ? "cell removed" : "cell absent";
      const rect = s("rect", {
        x: LEFT + col * CELL,
        y,
        width: CELL - 4,
        height: CELL - 4,
        rx: 3,
        class: kind,
        "data-version": v,
        "data-held": has ? "yes" : "no",
      });
      rect.append(
        s(
          "title",
          {},
          has
            ? `holds the version ${v} secret`
            : removed !== undefined && v >= removed
              ? `removed at version ${removed}`
              : `not a member at version ${v}`,
        ),
      );
      g.append(rect);
    });
    svg.append(g);
  });
  return svg;
}

/** Renders the page into `root` for the values in `params`. */
export async function roomsPage(root: HTMLElement, params: URLSearchParams, go: Navigate): Promise<void> {
  const room = params.get("room") ?? "";
  const form = pageForm(
    [{ name: "room", label: "Room (id or local name)", value: room, placeholder: "team", required: true }],
    "Show room",
    (values) => go(values),
  );
  const result = h("div", { class: "result" });
  replace(root, h("h1", {}, "Rooms"), section("Versioned group secrets", form), result);
  if (!room) {
    replace(
      result,
      h("p", { class: "hint" }, "Enter a room id (64 hex) or the local name it was created with."),
    );
    return;
  }
  let summary: RoomSummary;
  try {
    summary = await get<RoomSummary>(["rooms", room]);
  } catch (err) {
    replace(result, errorBox(err));
    return;
  }
  const info = section(
    summary.name ?? "Room",
    kvTable([
      ["room id", hex(summary.room, 12)],
      ["name", summary.name ?? "—"],
      ["owner", summary.owner === "custody" ? "a custody identity" : summary.owner],
      ["current version", String(summary.version)],
      ["versions", String(summary.versions)],
      ["current members", String(summary.members.length)],
      [
        "exposed",
        summary.exposed.length
          ? h(
              "span",
              { class: "bad" },
              `${summary.exposed.length} removed member(s) hold the current version: rotate`,
            )
          : h("span", { class: "ok" }, "none"),
      ],
    ]),
  );
  const removals = section(
    "Removals",
    summary.removed.length === 0
      ? h("p", { class: "empty" }, "No member was removed.")
      : h(
          "table",
          { class: "removals" },
          h("thead", {}, h("tr", {}, h("th", {}, "member"), h("th", {}, "removed at version"))),
          h(
            "tbody",
            {},
            ...summary.removed.map((r) =>
              h(
                "tr",
                { "data-member": r.member },
                h("td", {}, hex(r.member, 12)),
                h("td", {}, String(r.version)),
              ),
            ),
          ),
        ),
  );
  replace(
    result,
    info,
    h("div", { class: "result-versions" }, h("p", { class: "status" }, "Loading versions…")),
    removals,
  );
  const versionsBox = result.querySelector(".result-versions")!;
  try {
    const text = (await get<{ export: string }>(["rooms", room, "export"])).export;
    const exp = JSON.parse(text) as RoomExport;
    const perVersion = [...exp.versions]
      .sort((a, b) => a.version - b.version)
      .map((v) => {
        const holders = exp.members.filter((m) => m.version === v.version).map((m) => m.member);
        return h(
          "tr",
          { "data-version": String(v.version) },
          h(
            "td",
            {},
            `v${v.version}`,
            v.version === summary.version ? h("span", { class: "badge ok" }, "current") : "",
          ),
          h("td", {}, v.suite),
          h("td", {}, String(holders.length)),
          h("td", {}, ...holders.flatMap((m, i) => [i ? " " : "", hex(m, 6)])),
        );
      });
    replace(
      versionsBox,
      section(
        "Members per version",
        membershipGrid(summary, exp),
        h(
          "table",
          { class: "versions" },
          h(
            "thead",
            {},
            h("tr", {}, ...["version", "suite", "members", "member keys"].map((t) => h("th", {}, t))),
          ),
          h("tbody", {}, ...perVersion),
        ),
      ),
    );
  } catch (err) {
    replace(versionsBox, section("Members per version", errorBox(err)));
  }
}
