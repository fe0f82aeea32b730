// /ui serving: the dashboard's files with a strict CSP, no inline script, same files as `npm run build` makes.
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildUi } from "../src/http/ui-assets.js";
import { startTestApp, type TestApp } from "./http-harness.js";

let t: TestApp;
const out = mkdtempSync(join(tmpdir(), "keyward-ui-build-"));
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(async () => {
  await t.close();
  rmSync(out, { recursive: true, force: true });
});

describe("GET /ui", () => {
  it("serves the page with a strict CSP and no inline script or style", async () => {
    for (const url of ["/ui", "/ui/"]) {
      const res = await t.request("GET", url);
      expect(res.statusCode, url).toBe(200);
      expect(res.headers["content-type"]).toBe("text/html; charset=utf-8");
      const csp = String(res.headers["content-security-policy"]);
      expect(csp).toContain("default-src 'none'");
      expect(csp).toContain("script-src 'self'");
      expect(csp).toContain("style-src 'self'");
      expect(csp).toContain("connect-src 'self'");
      expect(csp).toContain("frame-ancestors 'none'");
      expect(csp).toContain("require-trusted-types-for 'script'");
      expect(csp).not.toMatch(/unsafe-|\*|https?:/);
      expect(res.headers["x-frame-options"]).toBe("DENY");
      expect(res.headers["x-content-type-options"]).toBe("nosniff");
      expect(res.headers["referrer-policy"]).toBe("no-referrer");
      // Every <script> has a src (nothing inline), no style attribute or element, no handler attribute.
      const scripts = [...res.body.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/g)];
      expect(scripts.length).toBe(1);
      for (const [, attrs, body] of scripts) {
        expect(attrs).toContain('src="/ui/app.js"');
        expect(body).toBe("");
      }
      expect(res.body).not.toMatch(/<style|\sstyle=|\son[a-z]+=|https?:\/\//i);
    }
  });

  it("serves the bundle and stylesheet with types and ETags; 304 when unchanged; 404 for anything else", async () => {
    const js = await t.request("GET", "/ui/app.js");
    expect(js.statusCode).toBe(200);
    expect(js.headers["content-type"]).toBe("text/javascript; charset=utf-8");
    expect(js.headers["content-security-policy"]).toBeDefined();
    // The bundle builds its DOM from nodes and text, never from HTML strings (the CSP's Trusted Types agree).
    expect(js.body).not.toMatch(/innerHTML|outerHTML|insertAdjacentHTML|document\.write|eval\(|new Function/);
    const css = await t.request("GET", "/ui/app.css");
    expect(css.headers["content-type"]).toBe("text/css; charset=utf-8");
    const again = await t.request("GET", "/ui/app.js", {
      headers: { "if-none-match": String(js.headers.etag) },
    });
    expect(again.statusCode).toBe(304);
    for (const bad of ["/ui/nope.js", "/ui/..%2Fpackage.json", "/ui/index.htm"]) {
      const res = await t.request("GET", bad);
      expect(res.statusCode, bad).toBe(404);
      expect(res.json().error.code).toBe("not_found");
    }
  });

  it("is public and documented; no route under /ui reads data", async () => {
    const doc = (await t.request("GET", "/openapi.json")).json();
    expect(doc.paths["/ui"].get["x-keyward-scope"]).toBe("public");
    expect(doc.paths["/ui/{file}"].get.operationId).toBe("uiAsset");
  });

  it("`npm run build` writes the same files the server bundles from the sources", async () => {
    const built = await buildUi(out);
    for (const name of ["index.html", "app.js", "app.css"]) {
      const served = await t.request("GET", `/ui/${name === "index.html" ? "" : name}`);
      expect(served.rawPayload.equals(readFileSync(join(out, name))), name).toBe(true);
      expect(built.get(name)?.equals(served.rawPayload)).toBe(true);
    }
  });
});
