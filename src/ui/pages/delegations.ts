// Delegations page: pick delegator/provider/scope → the timeline of every interval, a cursor block with the
// exact verdict and the compact granted_at/revoked_at view beside it (seed 003).
import { get } from "../api.js";
import { h, replace } from "../dom.js";
import { byScope, formatInterval, type Interval, type ScopeHistory } from "../timeline.js";
import { timelineView } from "../timeline-view.js";
import { errorBox, type Navigate, pageForm, section } from "./common.js";

interface HistoryAnswer {
  readonly histories: readonly (ScopeHistory & { delegator: number | string; provider: number | string })[];
}
interface CompareAnswer {
  readonly exact: { authorized: boolean; interval: Interval | null };
  readonly compact: { grantedAt: number | null; revokedAt: number | null; verdict: string };
  readonly differs: boolean;
}

/** Scopes whose verdict the page asks for at each cursor position. */
const MAX_VERDICTS = 16;

/** The default cursor: the start of the latest interval of any scope (the current or last grant). */
function defaultCursor(histories: readonly ScopeHistory[]): number {
  let best = 0;
  for (const h of histories) for (const i of h.intervals) best = Math.max(best, i.from);
  return best;
}

/** Renders the page into `root` for the values in `params`. */
export async function delegationsPage(
  root: HTMLElement,
  params: URLSearchParams,
  go: Navigate,
): Promise<void> {
  const v = (k: string) => params.get(k) ?? "";
  const form = pageForm(
    [
      { name: "delegator", label: "Delegator", value: v("delegator"), placeholder: "1234", required: true },
      { name: "provider", label: "Provider", value: v("provider"), placeholder: "A", required: true },
      { name: "scope", label: "Scope (empty: all)", value: v("scope"), placeholder: "1" },
      { name: "at", label: "Cursor block", value: v("at"), type: "number", placeholder: "latest grant" },
    ],
    "Show timeline",
    (values) => go(values),
  );
  const result = h("div", { class: "result" });
  replace(root, h("h1", {}, "Delegations"), section("Who may act for whom, block by block", form), result);
  if (!v("delegator") || !v("provider")) {
    replace(result, h("p", { class: "hint" }, "Enter a delegator and a provider to see their timeline."));
    return;
  }
  let answer: HistoryAnswer;
  try {
    answer = await get<HistoryAnswer>(["delegations", "history"], {
      delegator: v("delegator"),
      provider: v("provider"),
      scope: v("scope"),
    });
  } catch (err) {
    replace(result, errorBox(err));
    return;
  }
  const histories = byScope(answer.histories);
  if (histories.length === 0) {
    replace(
      result,
      h(
        "p",
        { class: "empty" },
        "No grant was ever recorded for delegator ",
        h("code", {}, v("delegator")),
        ", provider ",
        h("code", {}, v("provider")),
        v("scope") ? ` on scope ${v("scope")}` : "",
        ": unauthorized at every block.",
      ),
    );
    return;
  }
  const atParam = Number(v("at"));
  const cursor =
    v("at") !== "" && Number.isSafeInteger(atParam) && atParam >= 0 ? atParam : defaultCursor(histories);
  const verdicts = h("tbody", {});
  const cursorText = h("span", {}, String(cursor));
  let requested = 0;
  // One compare request per scope and cursor position: capped, so a delegation with many scopes cannot turn a
  // drag into a flood (name a scope to see any other).
  const checked = histories.slice(0, MAX_VERDICTS);
  const showVerdicts = async (block: number) => {
    const mine = ++requested;
    cursorText.textContent = String(block);
    const rows = await Promise.all(
      checked.map(async (hist) => {
        try {
          const c = await get<CompareAnswer>(["delegations", "compare"], {
            delegator: v("delegator"),
            provider: v("provider"),
            scope: String(hist.scope),
            at: block,
          });
          return { hist, c };
        } catch (err) {
          return { hist, err };
        }
      }),
    );
    if (mine !== requested) return; // a later cursor move already asked again
    verdicts.replaceChildren(
      ...rows.map(({ hist, c, err }) => {
        if (!c) return h("tr", {}, h("td", {}, String(hist.scope)), h("td", { colspan: 6 }, errorBox(err)));
        view.setCompact(hist.scope, c.compact);
        const verdict = c.exact.authorized ? "authorized" : "unauthorized";
        return h(
          "tr",
          { "data-scope": String(hist.scope), class: c.differs ? "differs" : undefined },
          h("td", {}, String(hist.scope)),
          h("td", { class: `verdict ${verdict}` }, verdict),
          h("td", {}, c.exact.interval ? formatInterval(c.exact.interval) : "—"),
          h("td", {}, c.compact.grantedAt ?? "—"),
          h("td", {}, c.compact.revokedAt ?? "—"),
          h("td", { class: `verdict ${c.compact.verdict}` }, c.compact.verdict),
          h("td", {}, c.differs ? "yes: the compact view cannot tell" : "no"),
        );
      }),
    );
  };
  let pending: ReturnType<typeof setTimeout> | undefined;
  const view = timelineView(histories, cursor, (block) => {
    go({ ...Object.fromEntries(params), at: String(block) }, true);
    cursorText.textContent = String(block);
    // While dragging, ask once the pointer rests (a later answer for an older block is dropped anyway).
    clearTimeout(pending);
    pending = setTimeout(() => void showVerdicts(block), 120);
  });
  const list = h(
    "ul",
    { class: "intervals" },
    ...histories.map((hist) =>
      h(
        "li",
        { "data-scope": String(hist.scope) },
        h("strong", {}, `scope ${hist.scope}`),
        ": ",
        hist.intervals.map(formatInterval).join(", "),
        ` (last event at block ${hist.lastEventAt})`,
      ),
    ),
  );
  replace(
    result,
    section(
      "Timeline",
      h(
        "p",
        { class: "hint" },
        "Bars are [from, until) intervals: authorized from the grant's block, not at the revoke's. Click or drag to move the cursor; arrow keys step one block.",
      ),
      view.element,
      h(
        "p",
        { class: "legend" },
        h("span", { class: "swatch exact" }),
        "authorized (exact history) ",
        h("span", { class: "swatch compact" }),
        "compact view: granted_at to revoked_at ",
        h("span", { class: "swatch unknown" }),
        "compact view: before granted_at it needs history (an archive node)",
      ),
      list,
    ),
    section(
      "Verdict at the cursor",
      h(
        "p",
        {},
        "At block ",
        cursorText,
        ": the exact answer from the full history, and what a compact granted_at/revoked_at record would say.",
      ),
      h(
        "table",
        { class: "verdicts" },
        h(
          "thead",
          {},
          h(
            "tr",
            {},
            ...["scope", "exact", "interval", "granted_at", "revoked_at", "compact view", "differs"].map(
              (t) => h("th", {}, t),
            ),
          ),
        ),
        verdicts,
      ),
      histories.length > MAX_VERDICTS
        ? h(
            "p",
            { class: "hint" },
            `Verdicts for the first ${MAX_VERDICTS} of ${histories.length} scopes: name a scope to see another's.`,
          )
        : "",
    ),
  );
  await showVerdicts(cursor);
}
