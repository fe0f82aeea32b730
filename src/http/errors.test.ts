// The HTTP error mapping on a bare Fastify app: table status, Retry-After on 503, generic internal errors.
import Fastify from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { KeywardError } from "../errors/keyward-error.js";
import { installErrorHandling } from "./errors.js";

const app = Fastify({ logger: false });

beforeAll(async () => {
  installErrorHandling(app);
  app.get("/busy", async () => {
    throw new KeywardError("unavailable", "the database is busy: the transaction gave up after retries");
  });
  app.get("/missing", async () => {
    throw new KeywardError("not_found", "room does not exist");
  });
  app.get("/bug", async () => {
    throw new Error("db password hunter2 rejected");
  });
  await app.ready();
});
afterAll(() => app.close());

describe("installErrorHandling", () => {
  it("answers `unavailable` as 503 with Retry-After, so clients back off", async () => {
    const res = await app.inject({ method: "GET", url: "/busy" });
    expect(res.statusCode).toBe(503);
    expect(res.headers["retry-after"]).toBe("1");
    expect(res.json().error.code).toBe("unavailable");
  });

  it("sends no Retry-After for other refusals", async () => {
    const res = await app.inject({ method: "GET", url: "/missing" });
    expect(res.statusCode).toBe(404);
    expect(res.headers["retry-after"]).toBeUndefined();
  });

  it("hides an unknown error's cause behind an error id", async () => {
    const res = await app.inject({ method: "GET", url: "/bug" });
    expect(res.statusCode).toBe(500);
    expect(res.body).not.toContain("hunter2");
    expect(res.json().error.errorId).toMatch(/^err_[0-9a-f]{12}$/);
  });
});
