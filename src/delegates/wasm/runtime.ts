// Runs registered delegate versions' WebAssembly (freenet ABI): one instance per version, reused; each call
// reads only that delegate's namespace and its writes commit in one transaction only when it answered Ok.

import { assertBytes } from "../../crypto/assert.js";
import { equalBytes, hexToBytes, wipe } from "../../crypto/bytes.js";
import { blake3Hash } from "../../crypto/hash.js";
import { Secret } from "../../crypto/secret.js";
import { KeywardError } from "../../errors/keyward-error.js";
import { type DelegateLimits, FreenetDelegate } from "../../interop/freenet/delegate-host.js";
import type { MessageOrigin, OutboundDelegateMsg } from "../../interop/freenet/delegate-messages.js";
import type { SecretReader } from "../../interop/freenet/sandbox.js";
import { refuseTombstoned, requireVersion } from "../lookups.js";
import type { DelegatesContext } from "../ports.js";
import { delegateNamespace, MODULE_TABLE, type VersionRecord } from "../records.js";
import { lockLiveDelegate } from "../secrets.js";
import { delegateKeyHex } from "../validate.js";
import { rawKeyOf, secretNameOf } from "./secret-names.js";

export { MODULE_TABLE } from "../records.js";

/** Options of the runtime. */
export interface RuntimeOptions extends DelegateLimits {
  /** Live instances kept (least recently used beyond this are stopped; default 8). */
  readonly maxInstances?: number;
}

/** The result of one call: the delegate's outbound messages and how many secrets it changed. */
export interface DelegateCallResult {
  readonly delegateKey: string;
  readonly messages: readonly OutboundDelegateMsg[];
  readonly secretsWritten: number;
  readonly logs: readonly string[];
}

/** One application message for {@link DelegateRuntime.call}. */
export interface DelegateCallInput {
  /** The sender; River's chat delegate refuses a message without a web-app origin. */
  readonly origin?: MessageOrigin;
  readonly payload: Uint8Array;
}

/** Checks a module against a version's certified code hash. @throws KeywardError `code_mismatch` */
export function assertCodeHash(code: Uint8Array, codeHashHex: string): void {
  if (!equalBytes(blake3Hash(code), hexToBytes(codeHashHex, "codeHash", 32)))
    throw new KeywardError(
      "code_mismatch",
      `the module's BLAKE3 does not match the certified code hash ${codeHashHex}`,
    );
}

/** Runs delegate modules. Calls to one delegate are serialised (read, run, commit) within this process. */
export class DelegateRuntime {
  readonly #ctx: DelegatesContext;
  readonly #options: RuntimeOptions;
  readonly #instances = new Map<string, Promise<FreenetDelegate>>();
  readonly #locks = new Map<string, Promise<unknown>>();

  constructor(ctx: DelegatesContext, options: RuntimeOptions = {}) {
    this.#ctx = ctx;
    this.#options = options;
  }

  /**
   * Checks a module for a version before it is stored: hash, imports, exports, memory, and that it
   * instantiates. Returns the loaded instance (kept for reuse once stored).
   * @throws KeywardError `code_mismatch`, `invalid_module`, `module_failed`
   */
  async check(code: Uint8Array, codeHashHex: string): Promise<FreenetDelegate> {
    assertBytes(code, undefined, "wasm");
    assertCodeHash(code, codeHashHex);
    return FreenetDelegate.load(code, this.#options);
  }

  /** Keeps an already loaded instance for `delegateKey` (after its module was stored). */
  adopt(delegateKey: string, instance: FreenetDelegate): void {
    const old = this.#instances.get(delegateKey);
    this.#instances.set(delegateKey, Promise.resolve(instance));
    if (old)
      void old.then(
        (d) => (d === instance ? undefined : d.close()),
        () => undefined,
      );
    this.#evict();
  }

  #evict(): void {
    const max = this.#options.maxInstances ?? 8;
    while (this.#instances.size > max) {
      const [key, p] = this.#instances.entries().next().value as [string, Promise<FreenetDelegate>];
      this.#instances.delete(key);
      void p.then(
        (d) => d.close(),
        () => undefined,
      );
    }
  }

  async #instance(v: VersionRecord): Promise<FreenetDelegate> {
    const cached = this.#instances.get(v.delegateKey);
    if (cached) {
      this.#instances.delete(v.delegateKey); // re-insert: most recently used last
      this.#instances.set(v.delegateKey, cached);
      return cached;
    }
    const load = (async () => {
      const code = await this.#ctx.storage.state.get(MODULE_TABLE, v.delegateKey);
      if (!code)
        throw new KeywardError(
          "not_found",
          `delegate ${v.delegateKey} has no WebAssembly module; register it with --wasm`,
        );
      assertCodeHash(code, v.codeHash);
      return FreenetDelegate.load(code, this.#options);
    })();
    this.#instances.set(v.delegateKey, load);
    load.catch(() => this.#instances.get(v.delegateKey) === load && this.#instances.delete(v.delegateKey));
    this.#evict();
    return load;
  }

  /** The secret reads of one delegate: its own namespace, keyward's reserved names invisible. */
  #reader(key: string): SecretReader {
    const ns = delegateNamespace(key);
    const secrets = this.#ctx.storage.secrets;
    return {
      get: async (raw) => {
        const name = secretNameOf(raw);
        if (name === undefined || rawKeyOf(name) === undefined) return undefined;
        const s = await secrets.get(ns, name);
        if (!s) return undefined;
        try {
          return s.expose().slice();
        } finally {
          s.wipe();
        }
      },
      list: async (prefix) => {
        const out: Uint8Array[] = [];
        for (const name of await secrets.list(ns)) {
          const raw = rawKeyOf(name);
          if (raw && raw.length >= prefix.length && equalBytes(raw.subarray(0, prefix.length), prefix))
            out.push(raw);
        }
        return out;
      },
    };
  }

  /**
   * Sends one application message to a registered, live, unrevoked version's module; the audit entry of its
   * secret writes names `actor` (the caller).
   * @throws KeywardError `not_found`, `migrated`, `revoked`, `delegate_error`, `module_failed`, `unavailable`
   * @example
   * const r = await delegates.runtime.call(v28Key, { origin: { webApp: appId }, payload: cbor });
   */
  async call(
    delegateKey: string | Uint8Array,
    input: DelegateCallInput,
    actor?: string,
  ): Promise<DelegateCallResult> {
    const key = delegateKeyHex(delegateKey);
    assertBytes(input.payload, undefined, "payload");
    const prev = this.#locks.get(key) ?? Promise.resolve();
    const run = prev.then(() => this.#call(key, input, actor));
    const tail = run.catch(() => undefined);
    this.#locks.set(key, tail);
    void tail.then(() => this.#locks.get(key) === tail && this.#locks.delete(key));
    return run;
  }

  async #call(key: string, input: DelegateCallInput, actor?: string): Promise<DelegateCallResult> {
    const state = this.#ctx.storage.state;
    const v = await requireVersion(state, key);
    await refuseTombstoned(state, key, "delegate");
    if (v.revoked)
      throw new KeywardError("revoked", `delegate ${key} (v${v.version}) was revoked by its app`);
    const instance = await this.#instance(v);
    const out = await instance.process(
      {
        params: hexToBytes(v.params, "params"),
        ...(input.origin ? { origin: input.origin } : {}),
        payload: input.payload,
      },
      this.#reader(key),
    );
    try {
      if (out.writes.length > 0) await this.#commit(key, out.writes, actor);
    } finally {
      for (const w of out.writes) wipe(w.value ?? undefined);
    }
    return { delegateKey: key, messages: out.messages, secretsWritten: out.writes.length, logs: out.logs };
  }

  async #commit(
    key: string,
    writes: readonly { key: Uint8Array; value: Uint8Array | null }[],
    actor: string | undefined,
  ): Promise<void> {
    const ns = delegateNamespace(key);
    await this.#ctx.storage.transaction(async (tx) => {
      await lockLiveDelegate(tx, key); // refuses a namespace that was migrated away meanwhile
      for (const w of writes) {
        const name = secretNameOf(w.key);
        if (name === undefined)
          throw new KeywardError("module_failed", "module used a secret key longer than 98 bytes", {
            reason: "limit",
          });
        if (w.value === null) await tx.secrets.delete(ns, name);
        else {
          const secret = Secret.from(w.value.slice());
          try {
            await tx.secrets.put(ns, name, secret);
          } finally {
            secret.wipe();
          }
        }
      }
      await this.#ctx.audit.append(tx, {
        kind: "delegate.called",
        subject: `delegate:${key}`,
        actor,
        data: { secretsWritten: writes.length },
      });
    });
  }

  /** Stops every instance's worker. */
  async close(): Promise<void> {
    const all = [...this.#instances.values()];
    this.#instances.clear();
    await Promise.all(
      all.map((p) =>
        p.then(
          (d) => d.close(),
          () => undefined,
        ),
      ),
    );
  }
}
