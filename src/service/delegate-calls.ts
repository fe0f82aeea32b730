// One application message to a delegate's WebAssembly, as both surfaces present it: outbound payloads as hex
// plus a decoded view where the format is known (CBOR, e.g. River's ChatDelegateResponseMsg).
import { bytesToHex, hexToBytes } from "../crypto/bytes.js";
import type { Delegates } from "../delegates/delegates.js";
import type { OutboundDelegateMsg } from "../interop/freenet/delegate-messages.js";
import { describePayload } from "../interop/river-chat/chat-messages.js";

export { type ChatRequest, encodeChatRequest } from "../interop/river-chat/chat-messages.js";

/** One outbound message as shown to a user. */
export interface OutboundView {
  readonly type: OutboundDelegateMsg["type"];
  /** Application payload (hex), for ApplicationMessage. */
  readonly payload?: string;
  /** The payload decoded (CBOR → JSON, byte arrays as hex), when it decodes. */
  readonly decoded?: unknown;
  /** The contract a Get/Subscribe request names (hex), or the target of a delegate message. */
  readonly target?: string;
}

/** The result of `delegate call`. */
export interface DelegateCallView {
  readonly delegateKey: string;
  readonly messages: readonly OutboundView[];
  readonly secretsWritten: number;
}

function view(m: OutboundDelegateMsg): OutboundView {
  switch (m.type) {
    case "ApplicationMessage": {
      const decoded = describePayload(m.payload);
      return { type: m.type, payload: bytesToHex(m.payload), ...(decoded === undefined ? {} : { decoded }) };
    }
    case "GetContractRequest":
    case "SubscribeContractRequest":
      return { type: m.type, target: bytesToHex(m.contractId) };
    case "SendDelegateMessage":
      return { type: m.type, target: bytesToHex(m.target), payload: bytesToHex(m.payload) };
    default:
      return { type: m.type };
  }
}

/**
 * Sends `payload` as one ApplicationMessage from `originHex` (a web app's 32-byte contract id, optional);
 * `actor` (the caller) is named on the audit entry of the secrets it writes.
 * @throws {RangeError} an origin that is not 64 hex; KeywardError from `DelegateRuntime.call`
 * @example await callDelegate(kw.delegates, key, { origin: "a1…", payload: cbor });
 */
export async function callDelegate(
  delegates: Delegates,
  delegateKey: string,
  input: { readonly origin?: string; readonly payload: Uint8Array },
  actor?: string,
): Promise<DelegateCallView> {
  const origin = input.origin === undefined ? undefined : { webApp: hexToBytes(input.origin, "origin", 32) };
  const r = await delegates.runtime.call(
    delegateKey,
    { ...(origin ? { origin } : {}), payload: input.payload },
    actor,
  );
  return { delegateKey: r.delegateKey, messages: r.messages.map(view), secretsWritten: r.secretsWritten };
}
