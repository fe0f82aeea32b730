// The composition root: opens the storage, wires every domain service, keeps caches current, closes.
import type { AuditLog } from "../audit/audit-log.js";
import type { Custody } from "../custody/custody.js";
import type { Delegates } from "../delegates/delegates.js";
import type { RiverRooms } from "../rooms/river-rooms.js";
import type { RoomsService } from "../rooms/rooms-service.js";
import type { Storage } from "../store/ports.js";
import { openAuditLog } from "./audit.js";
import type { KeywardConfig } from "./config.js";
import { createCustody } from "./custody.js";
import { createDelegates } from "./delegates.js";
import { DelegationsService } from "./delegations.js";
import { openConfiguredStorage } from "./open.js";
import { createRooms } from "./rooms.js";
import { type MaxTtlPolicy, parseMaxTtlPolicy } from "./token-ttl.js";
import { SCOPES, TokenService } from "./tokens.js";

/** Secret namespace of the user-level secrets (`keyward secret …` and `/v1/secrets`). */
export const USER_SECRET_NAMESPACE = "user";

/** Everything the surfaces (HTTP, CLI) need, wired over one storage. */
export interface Keyward {
  readonly storage: Storage;
  readonly tokens: TokenService;
  readonly audit: AuditLog;
  readonly custody: Custody;
  readonly delegates: Delegates;
  /** Delegation log, in-memory index (kept current across instances by `sync()`), checkpoints, proofs. */
  readonly delegations: DelegationsService;
  readonly rooms: RoomsService;
  /** Rooms in River's wire format (ChatRoomStateV1 export/import). */
  readonly river: RiverRooms;
  /** Brings in-memory indexes up to date with writes made by other instances. */
  sync(): Promise<void>;
  /**
   * Starts background work (idempotent; stopped by `close()`): `sync()` every `intervalMs`, and due
   * delegate-session actions fired every second (each exactly once across instances).
   */
  startSync(intervalMs: number): void;
  /** Database readiness: one read through the storage. */
  ready(): Promise<boolean>;
  /** Stops background work and closes the storage. */
  close(): Promise<void>;
}

/** Options of `createKeyward` / `openKeyward`. */
export interface KeywardOptions {
  /** Token lookup cache in ms (default 1000): bounds how long a revocation takes on other instances. */
  readonly tokenCacheMs?: number;
  /** Maximum token TTL per scope (default: `KEYWARD_TOKEN_MAX_TTL`, e.g. `admin=1d`; none when unset). */
  readonly tokenMaxTtl?: MaxTtlPolicy;
  /** Events after which a delegations import or checkpoint writes an index snapshot (default 100,000). */
  readonly delegationSnapshotEvery?: number;
}

/**
 * The token service wired with its audit sink: what `keyward token …` needs without the whole service.
 * @example const tokens = await createTokenService(storage);
 */
export async function createTokenService(
  storage: Storage,
  options: KeywardOptions & { audit?: AuditLog } = {},
): Promise<TokenService> {
  return new TokenService(storage, {
    audit: options.audit ?? (await openAuditLog(storage)),
    ...(options.tokenCacheMs !== undefined ? { cacheMs: options.tokenCacheMs } : {}),
    maxTtl: options.tokenMaxTtl ?? parseMaxTtlPolicy(process.env.KEYWARD_TOKEN_MAX_TTL, SCOPES),
  });
}

/**
 * Wires the services over an already open storage (tests, embedding). The returned `close()` closes it.
 * @example const kw = createKeyward((await openTestSqliteStorage()).storage);
 */
export async function createKeyward(storage: Storage, options: KeywardOptions = {}): Promise<Keyward> {
  const audit = await openAuditLog(storage);
  const tokens = await createTokenService(storage, { ...options, audit });
  // Custody records "service" for calls that name no caller; HTTP routes pass the calling token (`actorOf`).
  const custody = await createCustody(storage, { audit, actor: "service" });
  const delegates = await createDelegates(storage, { audit, custody: custody.custody });
  const rooms = createRooms(storage, { custody: custody.custody });
  const delegations = await DelegationsService.open(
    storage,
    options.delegationSnapshotEvery === undefined ? {} : { snapshotEvery: options.delegationSnapshotEvery },
  );
  // Sessions persisted by earlier runs get their keys back (missing secrets are dropped and audited).
  await delegates.sessions.rehydrate();
  // Cosigner rounds left open by an earlier process are aborted and restarted (seed 001, issue 18).
  await delegates.cosigners.rehydrate();
  const syncers: (() => Promise<unknown>)[] = [() => delegations.sync()];
  let timer: NodeJS.Timeout | undefined;
  let dueTimer: NodeJS.Timeout | undefined;
  let firing: Promise<unknown> | undefined;
  let syncing: Promise<void> | undefined;
  let closed = false;

  const sync = (): Promise<void> => {
    // Overlapping ticks share one pass instead of piling up behind a slow database.
    syncing ??= (async () => {
      try {
        for (const s of syncers) await s();
      } finally {
        syncing = undefined;
      }
    })();
    return syncing;
  };

  return {
    storage,
    tokens,
    audit,
    custody: custody.custody,
    delegates,
    delegations,
    rooms: rooms.rooms,
    river: rooms.river,
    sync,
    startSync(intervalMs: number) {
      if (timer || closed) return;
      timer = setInterval(() => {
        sync().catch(() => undefined);
      }, intervalMs);
      timer.unref();
      dueTimer = setInterval(() => {
        firing ??= Promise.all([delegates.sessions.runDue(), delegates.cosigners.runDue()])
          .catch(() => undefined)
          .finally(() => {
            firing = undefined;
          });
      }, 1000);
      dueTimer.unref();
    },
    async ready() {
      // Not ready while writes fail (disk full, read-only): a load balancer should send writes elsewhere.
      if (storage.writeFailing?.()) return false;
      try {
        await storage.state.get("service.health", "probe");
        return true;
      } catch {
        return false;
      }
    },
    async close() {
      if (closed) return;
      closed = true;
      if (timer) clearInterval(timer);
      if (dueTimer) clearInterval(dueTimer);
      await syncing?.catch(() => undefined);
      await firing;
      await rooms.close();
      await delegates.runtime.close();
      custody.close();
      audit.close();
      await storage.close();
    },
  };
}

/**
 * Opens the configured storage (creating the sealed store when `createIfMissing`, as dev mode does) and
 * wires the services.
 * @throws KeywardError `unseal_failed`, `not_initialized`, `invalid_input` from the storage.
 */
export async function openKeyward(
  config: KeywardConfig,
  options: KeywardOptions & { createIfMissing?: boolean } = {},
): Promise<Keyward> {
  const storage = await openConfiguredStorage(config, options.createIfMissing ?? false);
  try {
    return await createKeyward(storage, options);
  } catch (err) {
    await storage.close();
    throw err;
  }
}
