// The dashboard in headless Chromium against a real `keyward serve --dev`: sign-in, every page on a known
// history (README's delegations, a room with a removal, a migrated app, a rotated identity), a screenshot of
// each, the timeline's intervals and cursor verdicts, escaping, reveal-only secrets and scope-limited tokens.
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchBrowser, type TestBrowser } from "./browser.js";
import { api, cleanEnv, type ServeProcess, spawnServe } from "./http-process.js";
import { HOSTILE, type Seeded, seedDashboard } from "./ui-seed.js";

/** Where the screenshots go (fixed, so a developer can look at the last run's). */
const SHOTS = join(tmpdir(), "keyward-ui-screenshots");
const data = mkdtempSync(join(tmpdir(), "keyward-ui-"));
let server: ServeProcess;
let browser: TestBrowser;
let seeded: Seeded;
let admin: string;
let page: Page;
/** Console errors, page errors and CSP violations of the whole run: there must be none. */
const problems: string[] = [];
/** Every URL the page requested (the token must be in none). */
const requested: string[] = [];

async function token(scopes: string[]): Promise<string> {
  const res = await api(`${server.url}/v1/tokens`, "POST", admin, { scopes });
  return (res.json as { token: string }).token;
}

async function signIn(p: Page, value: string): Promise<void> {
  await p.goto(`${server.url}/ui`);
  await p.fill("#token", value);
  await p.click("form.sign-in button[type=submit]");
}

async function open(hash: string, ready: string): Promise<void> {
  await page.goto(`${server.url}/ui${hash}`);
  await page.waitForSelector(ready);
  // In-page code is passed as text: this file is type-checked for Node, without the DOM's globals.
  await page.waitForFunction(`document.querySelector("#page")?.getAttribute("aria-busy") === "false"`);
}

async function shot(name: string): Promise<void> {
  const path = join(SHOTS, `${name}.png`);
  await page.screenshot({ path, fullPage: true });
  const png = readFileSync(path);
  expect(png.subarray(1, 4).toString()).toBe("PNG");
  expect(png.length).toBeGreaterThan(10_000);
}

function watch(p: Page): void {
  p.on("console", (m) => {
    // Chromium logs every refused fetch; the refusals this suite provokes (401, 403) are expected.
    if (/^Failed to load resource: the server responded with a status of 40[13]\b/.test(m.text())) return;
    if (m.type() === "error" || m.type() === "warning") problems.push(`${m.type()}: ${m.text()}`);
  });
  p.on("pageerror", (e) => problems.push(`pageerror: ${e.message}`));
  p.on("request", (r) => requested.push(r.url()));
}

beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  [server, browser] = await Promise.all([
    spawnServe(["serve", "--dev", "--data", data, "--port", "0"], cleanEnv({ KEYWARD_LOG_LEVEL: "info" })),
    launchBrowser(),
  ]);
  admin = server.adminToken!;
  seeded = await seedDashboard(server.url, admin);
  page = await browser.context.newPage();
  watch(page);
  await page.addInitScript(`document.addEventListener("securitypolicyviolation", (e) =>
    console.error("CSP violation: " + e.violatedDirective + " " + e.blockedURI))`);
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await server?.stop();
  rmSync(data, { recursive: true, force: true });
});

describe("dashboard in Chromium", () => {
  it("signs in with a pasted token kept in sessionStorage only, never in a URL", async () => {
    await signIn(page, "kw_0000000000000000_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA");
    await expect.poll(() => page.textContent(".sign-in .status")).toContain("invalid or revoked token");
    await signIn(page, admin);
    await page.waitForSelector("header nav a.active");
    expect(server.stderr.join("")).toContain(`dashboard:    ${server.url}/ui`);
    const id = admin.split("_")[1]!;
    expect(await page.textContent("header .who code")).toBe(id);
    const stored = await page.evaluate(
      `({ session: sessionStorage.getItem("keyward.token"), local: localStorage.length, cookie: document.cookie })`,
    );
    expect(stored).toEqual({ session: admin, local: 0, cookie: "" });
    expect(await page.content()).not.toContain(admin.slice(20));
  });

  it("opens the README's dashboard link as printed, with the dev token file's token", async () => {
    const link = /http:\/\/127\.0\.0\.1:8787\/ui(#\/delegations\?[^`\s]+)/.exec(
      readFileSync("README.md", "utf8"),
    );
    expect(link).not.toBeNull();
    expect(readFileSync(join(data, "dev-admin.token"), "utf8").trim()).toBe(admin);
    await open(link![1]!, "table.verdicts tbody tr[data-scope]");
    const bars = await page.$$eval("svg.timeline rect.bar", (rs) =>
      rs.map((r) => `[${r.getAttribute("data-from")}, ${r.getAttribute("data-until")})`),
    );
    expect(bars).toEqual(["[100, 400)", "[1000, 2000)"]);
    expect(await page.getAttribute("svg.timeline line.cursor", "data-block")).toBe("150");
  });

  it("draws the README's delegation history as intervals with the verdict at the cursor", async () => {
    await open("#/delegations?delegator=1234&provider=A&at=150", "table.verdicts tbody tr[data-scope]");
    const lanes = await page.$$eval("svg.timeline g.lane", (gs) =>
      gs.map((g) => {
        const bg = g.querySelector("rect.lane-bg")!;
        return {
          scope: g.getAttribute("data-scope"),
          bg: { x: Number(bg.getAttribute("x")), width: Number(bg.getAttribute("width")) },
          bars: [...g.querySelectorAll("rect.bar")].map((r) => ({
            from: r.getAttribute("data-from"),
            until: r.getAttribute("data-until"),
            x: Number(r.getAttribute("x")),
            width: Number(r.getAttribute("width")),
          })),
        };
      }),
    );
    expect(lanes.map((l) => [l.scope, l.bars.map((b) => `[${b.from}, ${b.until})`)])).toEqual([
      ["1", ["[100, 400)", "[1000, 2000)"]],
      ["2", ["[100, 2000)"]],
    ]);
    // Each bar sits where its blocks are on the axis the SVG declares.
    const start = Number(await page.getAttribute("svg.timeline", "data-start"));
    const end = Number(await page.getAttribute("svg.timeline", "data-end"));
    for (const lane of lanes)
      for (const b of lane.bars) {
        const px = (block: number) => lane.bg.x + ((block - start) / (end - start)) * lane.bg.width;
        expect(b.x).toBeCloseTo(px(Number(b.from)), 6);
        expect(b.x + b.width).toBeCloseTo(px(Number(b.until)), 6);
      }
    expect(await page.textContent("ul.intervals li[data-scope='1']")).toContain("[100, 400), [1000, 2000)");
    const verdict = async (scope: number) =>
      page.$$eval(`table.verdicts tr[data-scope='${scope}'] td`, (tds) => tds.map((td) => td.textContent));
    expect(await verdict(1)).toEqual([
      "1",
      "authorized",
      "[100, 400)",
      "1000",
      "2000",
      "needs-history",
      expect.stringMatching(/^yes/),
    ]);
    expect(await verdict(2)).toEqual(["2", "authorized", "[100, 2000)", "100", "2000", "authorized", "no"]);
    expect(
      await page.getAttribute("svg.timeline g.compact[data-scope='1'] rect.needs-history", "data-until"),
    ).toBe("1000");
    await shot("delegations");

    // The revoke's block is outside the interval; one block earlier is inside (arrow key moves the cursor).
    await page.fill("#f-at", "400");
    await page.click("form.page-form button[type=submit]");
    await expect
      .poll(() => verdict(1))
      .toEqual(["1", "unauthorized", "—", "1000", "2000", "needs-history", expect.stringMatching(/^yes/)]);
    await page.focus("svg.timeline");
    await page.keyboard.press("ArrowLeft");
    await expect.poll(() => page.getAttribute("svg.timeline line.cursor", "data-block")).toBe("399");
    await expect.poll(() => verdict(1)).toEqual(expect.arrayContaining(["authorized", "[100, 400)"]));
    expect(page.url()).toContain("at=399");
    // A click picks the block under the pointer: 1500 is in the second interval of scope 1.
    const box = (await page.locator("svg.timeline g.lane[data-scope='1'] rect.lane-bg").boundingBox())!;
    await page.mouse.click(box.x + ((1500 - start) / (end - start)) * box.width, box.y + box.height / 2);
    const picked = Number(await page.getAttribute("svg.timeline line.cursor", "data-block"));
    expect(Math.abs(picked - 1500)).toBeLessThanOrEqual(3);
    await expect
      .poll(() => verdict(1))
      .toEqual(["1", "authorized", "[1000, 2000)", "1000", "2000", "authorized", "no"]);
  });

  it("escapes every user-supplied name (a provider, a scope and a room named like markup)", async () => {
    await open(
      `#/delegations?${new URLSearchParams({ delegator: "1234", provider: HOSTILE })}`,
      "table.verdicts tbody tr[data-scope]",
    );
    expect(await page.textContent("ul.intervals")).toContain(`scope ${HOSTILE}: [50, ∞)`);
    expect(await page.locator("svg.timeline rect.bar.open").count()).toBe(1);
    await open(`#/rooms?${new URLSearchParams({ room: HOSTILE })}`, "table.versions tbody tr");
    expect(await page.textContent(".result section.card h2")).toBe(HOSTILE);
    expect(await page.locator("#app img").count()).toBe(0);
    expect(await page.title()).not.toBe("pwned");
  });

  it("shows a room's versions, members per version and the removal", async () => {
    await open("#/rooms?room=team", "table.versions tbody tr");
    const held = async (member: string) =>
      page.$$eval(`svg.membership g[data-member='${member}'] rect`, (rs) =>
        rs.map((r) => r.getAttribute("data-held")),
      );
    expect(await held(seeded.members.alice)).toEqual(["yes", "yes", "yes"]);
    expect(await held(seeded.members.bob)).toEqual(["no", "no", "yes"].reverse());
    expect(await page.textContent(`table.removals tr[data-member='${seeded.members.bob}']`)).toContain("1");
    expect(await page.textContent("table.versions tr[data-version='2']")).toContain("current");
    await shot("rooms");
  });

  it("shows the version chain with its migration; a secret appears only after Reveal", async () => {
    await open("#/delegates?app=chat", "li[data-secret='room-key']");
    const states = await page.$$eval("svg.chain g.version", (gs) =>
      gs.map((g) => g.getAttribute("data-state")),
    );
    expect(states).toEqual(["migrated", "live", "revoked"]);
    expect(await page.getAttribute("svg.chain path.edge", "data-to")).toBe("2");
    expect(await page.textContent("table.versions tr[data-version='3']")).toContain("broken build");
    expect(await page.content()).not.toContain(seeded.secretValue);
    await page.click("button[data-reveal='room-key']");
    await expect
      .poll(() => page.textContent("li[data-secret='room-key'] .secret-value"))
      .toBe(seeded.secretValue);
    await shot("delegates");
    await page.click("button[data-reveal='room-key']");
    expect(await page.content()).not.toContain(seeded.secretValue);
  });

  it("shows an identity's generations and statements, and that the audit log verifies", async () => {
    await open("#/custody?partition=acme&identity=email:alice@example.com", "table.events tbody tr");
    expect(await page.getAttribute(".audit-status", "data-ok")).toBe("true");
    const kinds = await page.$$eval("table.events tbody tr", (rs) =>
      rs.map((r) => r.getAttribute("data-kind")),
    );
    expect(kinds).toEqual(["created", "rotated", "suspended", "resumed"]);
    expect(await page.textContent("table.events tr[data-kind='rotated']")).toContain("rotation: gen 0 → 1");
    await shot("custody");
    await open("#/custody?partition=acme&identity=email:legacy@example.com", "table.events tbody tr");
    const legacy = await page.$$eval("svg.generations circle", (cs) =>
      cs.map((c) => c.getAttribute("data-kind")),
    );
    expect(legacy).toEqual(["imported", "remapped"]);
  });

  it("grants nothing the API does not: a read-only token sees refusals, and no reveal", async () => {
    const narrow = await browser.context.newPage();
    watch(narrow);
    const readOnly = await token(["delegations:read", "delegates:read"]);
    await signIn(narrow, readOnly);
    await narrow.waitForSelector("header nav");
    await narrow.goto(`${server.url}/ui#/rooms?room=team`);
    await expect.poll(() => narrow.textContent("#page .error")).toContain("token lacks scope rooms:read");
    await narrow.goto(`${server.url}/ui#/delegates?app=chat`);
    await narrow.click("button[data-reveal='room-key']");
    await expect
      .poll(() => narrow.textContent("li[data-secret='room-key'] .error"))
      .toContain("delegates:secrets");
    expect(await narrow.content()).not.toContain(seeded.secretValue);
    // Revoked while signed in: the next answer is 401 and the tab forgets the token (cache: within 1 s).
    expect((await api(`${server.url}/v1/tokens/${readOnly.split("_")[1]}`, "DELETE", admin)).status).toBe(
      200,
    );
    await expect
      .poll(
        async () => {
          await narrow.goto(`${server.url}/ui#/delegations?delegator=1234&provider=A&t=${Date.now()}`);
          await narrow.waitForSelector("form.sign-in, table.verdicts tbody tr[data-scope]");
          return (await narrow.locator("form.sign-in").count())
            ? narrow.textContent("form.sign-in .status")
            : null;
        },
        { timeout: 15_000 },
      )
      .toContain("refused the token");
    expect(await narrow.evaluate(`sessionStorage.getItem("keyward.token")`)).toBeNull();
    await narrow.close();
  });

  it("the browser enforces the CSP: HTML-string sinks throw, injected inline script never runs", async () => {
    const probe = await browser.context.newPage();
    await probe.goto(`${server.url}/ui`);
    await probe.waitForSelector("form.sign-in");
    const outcome = await probe.evaluate(`(async () => {
      const violations = [];
      document.addEventListener("securitypolicyviolation", (e) => violations.push(e.violatedDirective));
      let sink = "allowed";
      try { document.body.insertAdjacentHTML("beforeend", "<b>x</b>"); } catch (e) { sink = e.name; }
      const script = document.createElement("script");
      try { script.textContent = "window.ran = true"; document.body.append(script); } catch (e) { sink += "/" + e.name; }
      await new Promise((r) => setTimeout(r, 100));
      return { sink, ran: window.ran === true, violations };
    })()`);
    expect(outcome).toMatchObject({ sink: "TypeError/TypeError", ran: false });
    expect((outcome as { violations: string[] }).violations).toContain("require-trusted-types-for");
    await probe.close();
  });

  it("ran without a console error or CSP violation, and no URL carried a token", () => {
    expect(problems).toEqual([]);
    expect(requested.length).toBeGreaterThan(10);
    for (const url of requested) expect(url).not.toMatch(/kw_[0-9a-f]{16}_/);
    const logs = server.stdout.join("");
    expect(logs).toContain('"route":"/ui"');
    expect(logs).not.toContain(admin.slice(20));
    expect(logs).not.toContain(seeded.secretValue);
  });
});
