// The delegates domain facade: apps, versions, secrets, tokens, migrations and sessions over one context.
import type { Storage } from "../store/ports.js";
import { AppRegistry } from "./apps.js";
import { DelegateMigrations } from "./migration.js";
import type { AuditSink, DelegatesContext } from "./ports.js";
import { DelegateSecrets } from "./secrets.js";
import { SealedSeedSessionKeys, type SessionKeys } from "./sessions/session-keys.js";
import { DelegateSessions } from "./sessions/sessions.js";
import { MigrationTokens } from "./tokens.js";
import { DelegateVersions } from "./versions.js";
import { DelegateModules } from "./wasm/modules.js";
import { DelegateRuntime, type RuntimeOptions } from "./wasm/runtime.js";

/** How to build the domain: storage and audit sink are required; clock and session keys are injectable. */
export interface DelegatesOptions {
  readonly storage: Storage;
  readonly audit: AuditSink;
  /** Epoch milliseconds (default Date.now). */
  readonly now?: () => number;
  /** Where session keys live (default: sealed seeds in the delegate's namespace). */
  readonly sessionKeys?: SessionKeys;
  /** Budgets of the WebAssembly runtime (per-call time, memory pages, live instances). */
  readonly runtime?: RuntimeOptions;
}

/**
 * Everything the delegates domain offers (DESIGN §5).
 * @example
 * const d = new Delegates({ storage, audit });
 * await d.apps.register("chat", appPublicKey);
 * await d.versions.register(cert1);
 * const { token } = await d.tokens.issue(v1, v2, 600);
 * await d.migrations.migrate(v1, v2, token);
 */
export class Delegates {
  readonly apps: AppRegistry;
  readonly versions: DelegateVersions;
  readonly secrets: DelegateSecrets;
  readonly tokens: MigrationTokens;
  readonly migrations: DelegateMigrations;
  readonly sessions: DelegateSessions;
  /** Runs versions' WebAssembly modules (freenet delegate ABI). */
  readonly runtime: DelegateRuntime;
  /** Registers versions with their modules. */
  readonly modules: DelegateModules;

  constructor(options: DelegatesOptions) {
    const ctx: DelegatesContext = {
      storage: options.storage,
      audit: options.audit,
      now: options.now ?? Date.now,
    };
    this.apps = new AppRegistry(ctx);
    this.versions = new DelegateVersions(ctx);
    this.secrets = new DelegateSecrets(ctx);
    this.tokens = new MigrationTokens(ctx);
    this.migrations = new DelegateMigrations(ctx);
    this.sessions = new DelegateSessions(ctx, options.sessionKeys ?? new SealedSeedSessionKeys());
    this.runtime = new DelegateRuntime(ctx, options.runtime);
    this.modules = new DelegateModules(ctx, this.versions, this.runtime);
  }
}
