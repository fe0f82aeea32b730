// TLS for `keyward serve`: PEM files from --tls-cert/--tls-key, a dev self-signed certificate, and the rule that
// a non-loopback address needs TLS unless the operator says --insecure-no-tls.
import { createPrivateKey, X509Certificate } from "node:crypto";
import { chmodSync, existsSync, readFileSync, writeFileSync } from "node:fs";
import { isIP } from "node:net";
import { join } from "node:path";
import { generate } from "selfsigned";
import { KeywardError } from "../../errors/keyward-error.js";

/** Dev mode's self-signed certificate and key inside the data dir (key 0600), reused across starts. */
export const DEV_TLS_CERT = "dev-tls.crt";
export const DEV_TLS_KEY = "dev-tls.key";

/** What serve listens with: PEM material and the certificate's SHA-256 fingerprint (for pinning). */
export interface ServeTls {
  readonly cert: string;
  readonly key: string;
  readonly fingerprint256: string;
  /** Where the certificate came from (printed at start). */
  readonly certFile: string;
}

/** Flags of `serve` that decide TLS. */
export interface TlsFlags {
  readonly tlsCert?: string | undefined;
  readonly tlsKey?: string | undefined;
  readonly tls?: boolean | undefined;
  readonly insecureNoTls?: boolean | undefined;
  readonly dev?: boolean | undefined;
}

/** True for addresses only this machine can reach: 127.0.0.0/8, ::1, localhost. */
export function isLoopback(host: string): boolean {
  if (host === "localhost" || host === "::1" || host === "[::1]") return true;
  return isIP(host) === 4 && host.startsWith("127.");
}

function readPem(path: string, flag: string): string {
  try {
    return readFileSync(path, "utf8");
  } catch (err) {
    const code = (err as { code?: unknown }).code;
    throw new KeywardError(
      "invalid_input",
      `${flag}: cannot read ${path}${typeof code === "string" ? ` (${code})` : ""}`,
    );
  }
}

/** Checks the pair: a parsable certificate, a parsable key, and the key belongs to the certificate. */
function checkPair(cert: string, key: string, certFile: string): ServeTls {
  let x509: X509Certificate;
  try {
    x509 = new X509Certificate(cert);
  } catch {
    throw new KeywardError("invalid_input", "--tls-cert: not a PEM certificate");
  }
  let privateKey: ReturnType<typeof createPrivateKey>;
  try {
    privateKey = createPrivateKey(key);
  } catch {
    throw new KeywardError("invalid_input", "--tls-key: not a PEM private key");
  }
  if (!x509.checkPrivateKey(privateKey))
    throw new KeywardError("invalid_input", "--tls-key: the key does not belong to --tls-cert");
  return { cert, key, fingerprint256: x509.fingerprint256, certFile };
}

/** Dev mode: a self-signed certificate for localhost, 127.0.0.1, ::1 and `host`, made once and reused. */
async function devCertificate(dataDir: string, host: string): Promise<ServeTls> {
  const certFile = join(dataDir, DEV_TLS_CERT);
  const keyFile = join(dataDir, DEV_TLS_KEY);
  if (existsSync(certFile) && existsSync(keyFile))
    return checkPair(readFileSync(certFile, "utf8"), readFileSync(keyFile, "utf8"), certFile);
  const altNames: { type: 2 | 7; value?: string; ip?: string }[] = [
    { type: 2, value: "localhost" },
    { type: 7, ip: "127.0.0.1" },
    { type: 7, ip: "::1" },
  ];
  if (isIP(host) !== 0 && host !== "127.0.0.1" && host !== "::1" && host !== "0.0.0.0" && host !== "::")
    altNames.push({ type: 7, ip: host });
  else if (isIP(host) === 0 && host !== "localhost") altNames.push({ type: 2, value: host });
  const pems = await generate([{ name: "commonName", value: "keyward dev" }], {
    keyType: "ec",
    curve: "P-256",
    algorithm: "sha256",
    notAfterDate: new Date(Date.now() + 365 * 86_400_000),
    extensions: [
      { name: "basicConstraints", cA: false },
      { name: "keyUsage", digitalSignature: true },
      { name: "extKeyUsage", serverAuth: true },
      { name: "subjectAltName", altNames },
    ],
  });
  writeFileSync(keyFile, pems.private, { mode: 0o600, flag: "wx" });
  chmodSync(keyFile, 0o600);
  writeFileSync(certFile, pems.cert, { flag: "wx" });
  return checkPair(pems.cert, pems.private, certFile);
}

/**
 * Decides how `serve` listens. Without TLS, only a loopback address is allowed unless --insecure-no-tls is
 * given: a bearer token over plain HTTP on a network is a token given away.
 * @throws KeywardError `invalid_input` for a half-given pair, unreadable or mismatched PEM files, or plain HTTP
 * on a non-loopback address.
 */
export async function resolveServeTls(
  flags: TlsFlags,
  host: string,
  dataDir: string,
): Promise<ServeTls | undefined> {
  if ((flags.tlsCert === undefined) !== (flags.tlsKey === undefined))
    throw new KeywardError("invalid_input", "--tls-cert and --tls-key go together");
  if (flags.tlsCert !== undefined && flags.tlsKey !== undefined) {
    if (flags.insecureNoTls)
      throw new KeywardError("invalid_input", "--insecure-no-tls contradicts --tls-cert");
    return checkPair(readPem(flags.tlsCert, "--tls-cert"), readPem(flags.tlsKey, "--tls-key"), flags.tlsCert);
  }
  if (flags.tls && !flags.dev)
    throw new KeywardError("invalid_input", "--tls (a self-signed certificate) needs --dev");
  // Dev mode on a network address gets its self-signed certificate without being asked.
  if (flags.tls || (flags.dev && !isLoopback(host) && !flags.insecureNoTls))
    return devCertificate(dataDir, host);
  if (!isLoopback(host) && !flags.insecureNoTls)
    throw new KeywardError(
      "invalid_input",
      "--host: a non-loopback address needs TLS (--tls-cert and --tls-key, or --dev --tls); --insecure-no-tls overrides",
    );
  return undefined;
}
