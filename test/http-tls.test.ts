// `keyward serve` over TLS, driven as a process: an operator's PEM pair (made by openssl, not by keyward),
// dev mode's self-signed certificate, the certificate pinned by fingerprint, and plain HTTP refused off loopback.
import { execFileSync } from "node:child_process";
import { X509Certificate } from "node:crypto";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { request } from "node:https";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { cleanEnv, runCliProcess, spawnServe } from "./http-process.js";

const dir = mkdtempSync(join(tmpdir(), "keyward-tls-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** An openssl-made P-256 pair for 127.0.0.1 (the independent side). */
function opensslPair(name: string): { cert: string; key: string } {
  const cert = join(dir, `${name}.crt`);
  const key = join(dir, `${name}.key`);
  execFileSync(
    "openssl",
    [
      ...["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes"],
      ...["-keyout", key, "-out", cert, "-days", "2", "-subj", "/CN=keyward test"],
      ...["-addext", "subjectAltName=IP:127.0.0.1"],
    ],
    { stdio: "ignore" },
  );
  return { cert, key };
}

/** GET over HTTPS trusting only `ca`, and refusing any certificate whose SHA-256 fingerprint is not `pin`. */
function pinnedGet(
  url: string,
  ca: string,
  pin: string,
  token?: string,
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        ca,
        agent: false, // a fresh connection per call: a pooled one would skip the pin check
        headers: token ? { authorization: `Bearer ${token}` } : {},
        checkServerIdentity: (_host, cert) =>
          cert.fingerprint256 === pin
            ? undefined
            : new Error("certificate fingerprint does not match the pin"),
      },
      (res) => {
        let body = "";
        res.on("data", (d) => {
          body += String(d);
        });
        res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
      },
    );
    req.on("error", reject);
    req.end();
  });
}

describe("keyward serve with TLS", () => {
  it("serves HTTPS with the operator's PEM pair; the pinned certificate is the one given", async () => {
    const pair = opensslPair("op");
    const data = join(dir, "op-data");
    expect((await runCliProcess(["init", "--data", data])).code).toBe(0);
    const pin = new X509Certificate(readFileSync(pair.cert)).fingerprint256;
    const s = await spawnServe([
      "serve",
      "--data",
      data,
      "--port",
      "0",
      "--tls-cert",
      pair.cert,
      "--tls-key",
      pair.key,
    ]);
    try {
      expect(s.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
      expect(s.stderr.join("")).toContain(`TLS certificate SHA-256 fingerprint: ${pin}`);
      const res = await pinnedGet(`${s.url}/healthz`, readFileSync(pair.cert, "utf8"), pin);
      expect(res.status).toBe(200);
      expect(JSON.parse(res.body).ready).toBe(true);
      // A client pinning another certificate refuses the connection.
      await expect(pinnedGet(`${s.url}/healthz`, readFileSync(pair.cert, "utf8"), "00:11")).rejects.toThrow(
        /fingerprint does not match/,
      );
      // Plain HTTP to the TLS port gets no API answer.
      await expect(fetch(`${s.url.replace("https", "http")}/healthz`)).rejects.toThrow();
    } finally {
      await s.stop();
    }
  });

  it("dev mode makes a self-signed certificate, prints its fingerprint, and reuses it on the next start", async () => {
    const data = join(dir, "dev-data");
    const s = await spawnServe(["serve", "--dev", "--tls", "--data", data, "--port", "0", "--json"]);
    let pin: string;
    try {
      const banner = JSON.parse(s.stderr.join("").split("\n")[0]!) as Record<string, string>;
      pin = banner.tlsFingerprint256!;
      expect(pin).toMatch(/^([0-9A-F]{2}:){31}[0-9A-F]{2}$/);
      const ca = readFileSync(join(data, "dev-tls.crt"), "utf8");
      expect(new X509Certificate(ca).fingerprint256).toBe(pin);
      const res = await pinnedGet(`${s.url}/v1/tokens`, ca, pin, s.adminToken);
      expect(res.status).toBe(200);
    } finally {
      await s.stop();
    }
    const again = await spawnServe(["serve", "--dev", "--tls", "--data", data, "--port", "0"]);
    try {
      expect(again.stderr.join("")).toContain(`TLS certificate SHA-256 fingerprint: ${pin}`);
      expect(again.stderr.join("")).toContain(`--cacert ${join(data, "dev-tls.crt")}`);
    } finally {
      await again.stop();
    }
  });

  it("refuses plain HTTP on a non-loopback address unless --insecure-no-tls, creating nothing", async () => {
    const data = join(dir, "refused");
    const plain = await runCliProcess(["serve", "--host", "0.0.0.0", "--port", "0", "--data", data]);
    expect(plain.code).toBe(2);
    expect(plain.stderr).toMatch(/^error invalid_input: --host: a non-loopback address needs TLS/);
    expect(existsSync(data)).toBe(false);
    const mismatched = await runCliProcess(
      ["serve", "--data", data, "--tls-cert", opensslPair("a").cert, "--tls-key", opensslPair("b").key],
      cleanEnv(),
    );
    expect(mismatched.stderr).toMatch(
      /^error invalid_input: --tls-key: the key does not belong to --tls-cert/,
    );
    const half = await runCliProcess(["serve", "--data", data, "--tls-cert", opensslPair("c").cert]);
    expect(half.stderr).toMatch(/^error invalid_input: --tls-cert and --tls-key go together/);
    expect(existsSync(data)).toBe(false);
  });

  it("--insecure-no-tls lets the operator choose plain HTTP on a network address", async () => {
    const data = join(dir, "insecure");
    expect((await runCliProcess(["init", "--data", data])).code).toBe(0);
    const s = await spawnServe([
      "serve",
      "--data",
      data,
      "--host",
      "0.0.0.0",
      "--port",
      "0",
      "--insecure-no-tls",
    ]);
    try {
      expect(s.url).toMatch(/^http:\/\//);
      expect((await fetch(`${s.url}/healthz`)).status).toBe(200);
    } finally {
      await s.stop();
    }
  });
});
