// Cosigner shares: the port to custody-derived shares, and one place that loads a session's share for a use.
import { bytesToHex, wipe } from "../../crypto/bytes.js";
import { musigPublicKey } from "../../crypto/musig2.js";
import { KeywardError } from "../../errors/keyward-error.js";
import type { Storage, StorageTx } from "../../store/ports.js";
import { delegateNamespace } from "../records.js";
import type { CosignerRecord, ShareRef } from "./cosigner-records.js";

/** A custody identity whose `bip340` key is the share. */
export interface CustodyShareRef {
  readonly partition: string;
  readonly identity: string;
  readonly label?: string;
}

/**
 * How the delegates domain borrows a custody-derived share (wired by service/ to `Custody.withBip340Key`):
 * `fn` gets the 32-byte secret key for one use, wiped when it settles. Each loan is audited by custody,
 * naming `actor` (the caller) when given.
 */
export interface CosignerSharePort {
  withShare<T>(
    ref: CustodyShareRef,
    purpose: string,
    fn: (secretKey: Uint8Array) => Promise<T>,
    actor?: string,
  ): Promise<T>;
}

/**
 * Runs `fn` inside one transaction with the session's share. An imported share is read in that transaction;
 * a custody share is borrowed around it (custody's own audited transaction commits first). The share's public
 * key must still be the recorded one; `actor` names the caller on the custody loan.
 * @throws KeywardError `not_found` (share gone), `conflict` (share changed, e.g. a rotated identity),
 * `unavailable` (custody shares without a configured port).
 */
export async function withShareTx<T>(
  storage: Storage,
  port: CosignerSharePort | undefined,
  s: Pick<CosignerRecord, "id" | "delegate" | "share" | "publicKey">,
  purpose: string,
  fn: (tx: StorageTx, share: Uint8Array) => Promise<T>,
  actor?: string,
): Promise<T> {
  const share = s.share;
  if (share.kind === "custody") {
    if (!port)
      throw new KeywardError("unavailable", "custody-derived cosigner shares are not configured here");
    return port.withShare(
      custodyRef(share),
      purpose,
      (sk) => {
        checkShare(s, sk);
        return storage.transaction((tx) => fn(tx, sk));
      },
      actor,
    );
  }
  return storage.transaction(async (tx) => {
    const secret = await tx.secrets.get(delegateNamespace(s.delegate), share.name);
    if (!secret) throw new KeywardError("not_found", `cosigner ${s.id}'s share ${share.name} is missing`);
    const sk = Uint8Array.from(secret.expose());
    secret.wipe();
    try {
      checkShare(s, sk);
      return await fn(tx, sk);
    } finally {
      wipe(sk);
    }
  });
}

/**
 * The public key of a new session's share, learned without keeping any of it: an imported share is read from
 * the delegate's namespace, a custody share borrowed once (the loan names `actor`).
 * @throws KeywardError `not_found` (imported share missing), `unavailable` (custody shares not configured).
 */
export async function sharePublicKeyOf(
  storage: Storage,
  port: CosignerSharePort | undefined,
  s: Pick<CosignerRecord, "id" | "delegate" | "share">,
  actor?: string,
): Promise<Uint8Array> {
  const share = s.share;
  if (share.kind === "custody") {
    if (!port)
      throw new KeywardError("unavailable", "custody-derived cosigner shares are not configured here");
    const purpose = `cosigner:${s.id}:create`;
    return port.withShare(custodyRef(share), purpose, async (sk) => sharePublicKey(share, sk), actor);
  }
  const secret = await storage.secrets.get(delegateNamespace(s.delegate), share.name);
  if (!secret)
    throw new KeywardError("not_found", `delegate has no secret ${share.name} to use as the share`);
  try {
    return secret.use((sk) => sharePublicKey(share, sk));
  } finally {
    secret.wipe();
  }
}

/** The individual public key of a share; a share that is not a valid scalar is refused naming it. */
export function sharePublicKey(share: ShareRef, sk: Uint8Array): Uint8Array {
  if (sk.length !== 32)
    throw new KeywardError("conflict", `${shareName(share)} is not a 32-byte secp256k1 key`);
  try {
    return musigPublicKey(sk);
  } catch {
    throw new KeywardError("conflict", `${shareName(share)} is not a valid secp256k1 secret key`);
  }
}

function checkShare(s: Pick<CosignerRecord, "id" | "share" | "publicKey">, sk: Uint8Array): void {
  if (bytesToHex(sharePublicKey(s.share, sk)) !== s.publicKey)
    throw new KeywardError("conflict", `cosigner ${s.id}'s share no longer matches its public key`);
}

/** The custody reference of a custody share. */
export function custodyRef(share: Extract<ShareRef, { kind: "custody" }>): CustodyShareRef {
  return {
    partition: share.partition,
    identity: share.identity,
    ...(share.label ? { label: share.label } : {}),
  };
}

function shareName(share: ShareRef): string {
  return share.kind === "imported"
    ? `share ${share.name}`
    : `custody share ${share.partition}/${share.identity}`;
}
