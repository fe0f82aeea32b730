// Registering a delegate version together with its WebAssembly module: hash checked against the certificate,
// module checked (imports, exports, memory) and instantiated, then version + module stored in one transaction.
import { assertBytes } from "../../crypto/assert.js";
import { bytesToHex } from "../../crypto/bytes.js";
import type { DelegateCertificate } from "../certificate.js";
import type { DelegatesContext } from "../ports.js";
import { MODULE_TABLE } from "../records.js";
import type { DelegateVersions, VersionInfo } from "../versions.js";
import { assertCodeHash, type DelegateRuntime } from "./runtime.js";

/** A version as registered with its module. */
export interface ModuleVersionInfo extends VersionInfo {
  readonly module: { readonly bytes: number; readonly imports: readonly string[] };
}

/** Version registration with a module, and module lookups. */
export class DelegateModules {
  constructor(
    private readonly ctx: DelegatesContext,
    private readonly versions: DelegateVersions,
    private readonly runtime: DelegateRuntime,
  ) {}

  /**
   * Registers `cert`'s version with `code` as its module (or attaches `code` to an already registered
   * version of that certificate). Nothing is stored unless every check passes.
   * @throws KeywardError `code_mismatch` (BLAKE3(code) ≠ certified code hash), `invalid_module` (names the
   *   missing import or export), `module_failed` (instantiation overran), and every `register` error.
   *   `actor` (the caller) is recorded on the audit entries.
   * @example await delegates.modules.register(parseCertificate(certText), readFileSync("chat_delegate_V28.wasm"));
   */
  async register(cert: DelegateCertificate, code: Uint8Array, actor?: string): Promise<ModuleVersionInfo> {
    assertBytes(code, undefined, "wasm");
    assertCodeHash(code, bytesToHex(cert.codeHash));
    const instance = await this.runtime.check(code, bytesToHex(cert.codeHash));
    try {
      const info = await this.versions.register(cert, actor, async (tx, v) => {
        if (await tx.state.get(MODULE_TABLE, v.delegateKey)) return; // same hash ⇒ same bytes
        await tx.state.put(MODULE_TABLE, v.delegateKey, code);
        await this.ctx.audit.append(tx, {
          kind: "delegate.module.stored",
          subject: `delegate:${v.delegateKey}`,
          actor,
          data: { bytes: code.length, codeHash: v.codeHash },
        });
      });
      this.runtime.adopt(info.delegateKey, instance);
      return { ...info, module: { bytes: code.length, imports: instance.sandbox.prepared.imports } };
    } catch (err) {
      await instance.close();
      throw err;
    }
  }

  /** Whether a version carries a module. */
  async has(delegateKey: string): Promise<boolean> {
    return (await this.ctx.storage.state.get(MODULE_TABLE, delegateKey)) !== undefined;
  }
}
