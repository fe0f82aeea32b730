// The delegation timeline as SVG: per scope an exact lane (every interval) and the compact granted_at/revoked_at
// lane of seed 003 beneath it, a block axis, and a cursor moved by click, drag or arrow keys.
import { on, s } from "./dom.js";
import {
  type Axis,
  axisFor,
  axisPoints,
  barsFor,
  formatInterval,
  type ScopeHistory,
  ticks,
} from "./timeline.js";

/** What the compact view stores for a scope (from `GET /v1/delegations/compare`). */
export interface CompactRow {
  readonly grantedAt: number | null;
  readonly revokedAt: number | null;
}

/** A rendered timeline: its element and a way to move the cursor without redrawing the lanes. */
export interface TimelineView {
  readonly element: SVGSVGElement;
  readonly axis: Axis;
  setCursor(block: number): void;
  setCompact(scope: number | string, row: CompactRow): void;
}

const WIDTH = 960;
const LEFT = 150;
const RIGHT = WIDTH - 24;
const TOP = 28;
const LANE = 62;

/**
 * Draws `histories` (sorted) with the cursor at `cursor`; `moved` is called with the block a user picked.
 * @example timelineView(histories, 150, (b) => showVerdict(b)).element
 */
export function timelineView(
  histories: readonly ScopeHistory[],
  cursor: number,
  moved: (block: number) => void,
): TimelineView {
  const axis = axisFor(axisPoints(histories, cursor), LEFT, RIGHT);
  const height = TOP + histories.length * LANE + 34;
  const compactLanes = new Map<string, SVGGElement>();
  const svg = s("svg", {
    class: "timeline",
    viewBox: `0 0 ${WIDTH} ${height}`,
    role: "img",
    tabindex: 0,
    "aria-label": `delegation timeline, blocks ${axis.start} to ${axis.end}; arrow keys move the cursor`,
    "data-start": axis.start,
    "data-end": axis.end,
  });
  svg.append(
    s(
      "defs",
      {},
      s(
        "pattern",
        { id: "hatch", width: 6, height: 6, patternUnits: "userSpaceOnUse", patternTransform: "rotate(45)" },
        s("rect", { width: 6, height: 6, class: "hatch-bg" }),
        s("line", { x1: 0, y1: 0, x2: 0, y2: 6, class: "hatch-line" }),
      ),
    ),
  );
  histories.forEach((h, i) => {
    const y = TOP + i * LANE;
    const lane = s("g", { class: "lane", "data-scope": String(h.scope) });
    lane.append(
      s("text", { x: LEFT - 10, y: y + 15, class: "lane-label", "text-anchor": "end" }, `scope ${h.scope}`),
      s("text", { x: LEFT - 10, y: y + 38, class: "lane-sub", "text-anchor": "end" }, "compact view"),
      s("rect", { x: LEFT, y, width: RIGHT - LEFT, height: 22, class: "lane-bg" }),
    );
    for (const b of barsFor(h.intervals, axis)) {
      const rect = s("rect", {
        x: b.x,
        y,
        width: b.width,
        height: 22,
        rx: 3,
        class: b.open ? "bar open" : "bar",
        "data-from": b.from,
        "data-until": b.until ?? "open",
      });
      rect.append(s("title", {}, `scope ${h.scope}: authorized ${formatInterval(b)}`));
      lane.append(rect);
      if (b.width > 70)
        lane.append(s("text", { x: b.x + 6, y: y + 15, class: "bar-label" }, formatInterval(b)));
    }
    const compact = s("g", { class: "compact", "data-scope": String(h.scope) });
    compactLanes.set(String(h.scope), compact);
    lane.append(compact);
    svg.append(lane);
  });
  const axisY = TOP + histories.length * LANE;
  const axisG = s("g", { class: "axis" }, s("line", { x1: LEFT, x2: RIGHT, y1: axisY, y2: axisY }));
  for (const t of ticks(axis)) {
    const x = axis.x(t);
    axisG.append(
      s("line", { x1: x, x2: x, y1: axisY, y2: axisY + 5 }),
      s("text", { x, y: axisY + 18, "text-anchor": "middle" }, t),
    );
  }
  axisG.append(s("text", { x: LEFT - 10, y: axisY + 18, "text-anchor": "end", class: "lane-sub" }, "block"));
  svg.append(axisG);

  const line = s("line", { class: "cursor", y1: TOP - 8, y2: axisY });
  const label = s("text", { class: "cursor-label", y: TOP - 12, "text-anchor": "middle" });
  const cursorG = s("g", { class: "cursor-group" }, line, label);
  svg.append(cursorG);
  let current = cursor;
  const place = (block: number) => {
    current = block;
    const x = axis.x(block);
    line.setAttribute("x1", String(x));
    line.setAttribute("x2", String(x));
    line.setAttribute("data-block", String(block));
    label.setAttribute("x", String(Math.min(RIGHT - 30, Math.max(LEFT + 30, x))));
    label.textContent = `block ${block}`;
  };
  place(cursor);

  const pick = (e: Event) => {
    const m = e as MouseEvent;
    const rect = svg.getBoundingClientRect();
    const x = ((m.clientX - rect.left) / rect.width) * WIDTH;
    if (x < LEFT - 4 || x > RIGHT + 4) return;
    const block = axis.block(x);
    place(block);
    moved(block);
  };
  let dragging = false;
  on(svg, "pointerdown", (e) => {
    dragging = true;
    pick(e);
  });
  on(svg, "pointermove", (e) => {
    if (dragging) pick(e);
  });
  on(svg, "pointerup", () => {
    dragging = false;
  });
  on(svg, "pointerleave", () => {
    dragging = false;
  });
  on(svg, "keydown", (e) => {
    const k = e as KeyboardEvent;
    if (k.key !== "ArrowLeft" && k.key !== "ArrowRight") return;
    k.preventDefault();
    const step = k.shiftKey ? Math.max(1, Math.round((axis.end - axis.start) / 20)) : 1;
    const block = Math.max(0, current + (k.key === "ArrowLeft" ? -step : step));
    place(block);
    moved(block);
  });

  return {
    element: svg,
    axis,
    setCursor: place,
    setCompact(scope, row) {
      const g = compactLanes.get(String(scope));
      if (!g) return;
      const index = histories.findIndex((h) => String(h.scope) === String(scope));
      const y = TOP + index * LANE + 28;
      g.replaceChildren();
      if (row.grantedAt === null) {
        g.append(
          s("text", { x: LEFT + 6, y: y + 11, class: "lane-sub" }, "no entry: unauthorized everywhere"),
        );
        return;
      }
      const gx = axis.x(row.grantedAt);
      const unknown = s("rect", {
        x: LEFT,
        y,
        width: Math.max(0, gx - LEFT),
        height: 14,
        fill: "url(#hatch)",
        class: "needs-history",
        "data-until": row.grantedAt,
      });
      unknown.append(s("title", {}, `before granted_at ${row.grantedAt}: needs history (an archive node)`));
      const end = row.revokedAt === null ? RIGHT : axis.x(row.revokedAt);
      const known = s("rect", {
        x: gx,
        y,
        width: Math.max(1, end - gx),
        height: 14,
        rx: 2,
        class: "compact-bar",
        "data-granted-at": row.grantedAt,
        "data-revoked-at": row.revokedAt ?? "none",
      });
      known.append(s("title", {}, `granted_at ${row.grantedAt}, revoked_at ${row.revokedAt ?? "none"}`));
      g.append(unknown, known);
    },
  };
}
