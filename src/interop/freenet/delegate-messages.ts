// bincode 1.x (fixint, little-endian: enum tag u32, lengths u64, bool u8) codecs of freenet-stdlib 0.8.5's
// delegate messages (delegate_interface.rs): MessageOrigin, InboundDelegateMsg::ApplicationMessage, and the
// `Result<Vec<OutboundDelegateMsg>, DelegateError>` a `process` call answers.
import { assertBytes } from "../../crypto/assert.js";
import { concatBytes, u32le, u64le } from "../../crypto/bytes.js";
import { BincodeReader } from "./bincode.js";
import { GuestMemoryError } from "./buffer.js";

/** Who sends a message: a web app (its contract instance id) or another delegate (key + code hash). */
export type MessageOrigin =
  | { readonly webApp: Uint8Array }
  | { readonly delegate: { readonly key: Uint8Array; readonly codeHash: Uint8Array } };

/** `OutboundDelegateMsg` variants keyward reads (the others are reported by tag). */
export type OutboundDelegateMsg =
  | {
      readonly type: "ApplicationMessage";
      readonly payload: Uint8Array;
      readonly context: Uint8Array;
      readonly processed: boolean;
    }
  | {
      readonly type: "RequestUserInput";
      readonly requestId: number;
      readonly message: Uint8Array;
      readonly responses: Uint8Array[];
    }
  | { readonly type: "ContextUpdated"; readonly context: Uint8Array }
  | {
      readonly type: "GetContractRequest" | "SubscribeContractRequest";
      readonly contractId: Uint8Array;
      readonly context: Uint8Array;
      readonly processed: boolean;
    }
  | {
      readonly type: "SendDelegateMessage";
      readonly target: Uint8Array;
      readonly payload: Uint8Array;
      readonly context: Uint8Array;
      readonly processed: boolean;
    };

/** A decoded `DelegateInterfaceResult`. */
export type DelegateResult =
  | { readonly ok: true; readonly messages: OutboundDelegateMsg[] }
  | { readonly ok: false; readonly error: { readonly kind: "Deser" | "Other"; readonly message: string } };

const OUTBOUND_TAGS = [
  "ApplicationMessage",
  "RequestUserInput",
  "ContextUpdated",
  "GetContractRequest",
  "PutContractRequest",
  "UpdateContractRequest",
  "SubscribeContractRequest",
  "SendDelegateMessage",
] as const;

/**
 * bincode of `Option<MessageOrigin>` as the host passes it: `undefined` → an empty buffer (no origin).
 * @throws {TypeError|RangeError} ids that are not 32 bytes
 */
export function encodeOrigin(origin: MessageOrigin | undefined): Uint8Array {
  if (origin === undefined) return new Uint8Array(0);
  if ("webApp" in origin) {
    assertBytes(origin.webApp, 32, "origin.webApp");
    return concatBytes(u32le(0), origin.webApp);
  }
  assertBytes(origin.delegate.key, 32, "origin.delegate.key");
  assertBytes(origin.delegate.codeHash, 32, "origin.delegate.codeHash");
  return concatBytes(u32le(1), origin.delegate.key, origin.delegate.codeHash);
}

/**
 * bincode of `InboundDelegateMsg::ApplicationMessage { payload, context, processed }`.
 * @example const inbound = encodeApplicationMessage(cborPayload);
 */
export function encodeApplicationMessage(
  payload: Uint8Array,
  context = new Uint8Array(0),
  processed = false,
): Uint8Array {
  assertBytes(payload, undefined, "payload");
  assertBytes(context, undefined, "context");
  return concatBytes(
    u32le(0),
    u64le(payload.length),
    payload,
    u64le(context.length),
    context,
    Uint8Array.of(processed ? 1 : 0),
  );
}

/** A reader over a `process` result; anything malformed is a GuestMemoryError naming what. */
function reader(bytes: Uint8Array): BincodeReader {
  return new BincodeReader(bytes, (reason) => {
    throw new GuestMemoryError(`delegate result ${reason}`);
  });
}

function readOutbound(r: BincodeReader): OutboundDelegateMsg {
  const tag = r.u32();
  switch (tag) {
    case 0:
      return { type: "ApplicationMessage", payload: r.vec(), context: r.vec(), processed: r.bool() };
    case 1: {
      const requestId = r.u32();
      const message = r.vec();
      const n = r.len();
      const responses: Uint8Array[] = [];
      for (let i = 0; i < n; i++) responses.push(r.vec());
      return { type: "RequestUserInput", requestId, message, responses };
    }
    case 2:
      return { type: "ContextUpdated", context: r.vec() };
    case 3:
    case 6:
      return {
        type: tag === 3 ? "GetContractRequest" : "SubscribeContractRequest",
        contractId: r.fixed(32),
        context: r.vec(),
        processed: r.bool(),
      };
    case 7: {
      const target = r.fixed(64);
      r.fixed(64); // sender: overwritten by the runtime (attestation), never trusted from the guest
      return {
        type: "SendDelegateMessage",
        target: target.slice(0, 32),
        payload: r.vec(),
        context: r.vec(),
        processed: r.bool(),
      };
    }
    default:
      throw new GuestMemoryError(
        tag < OUTBOUND_TAGS.length
          ? `delegate answered ${OUTBOUND_TAGS[tag]}, which this host does not serve`
          : `delegate result has an unknown outbound message tag ${tag}`,
      );
  }
}

/**
 * Decodes the bincode `Result<Vec<OutboundDelegateMsg>, DelegateError>` of a `process` call.
 * @throws GuestMemoryError when the bytes are not such a value (trailing bytes included)
 */
export function decodeDelegateResult(bytes: Uint8Array): DelegateResult {
  const r = reader(bytes);
  const tag = r.u32();
  let out: DelegateResult;
  if (tag === 0) {
    const n = r.len();
    const messages: OutboundDelegateMsg[] = [];
    for (let i = 0; i < n; i++) messages.push(readOutbound(r));
    out = { ok: true, messages };
  } else if (tag === 1) {
    const kind = r.u32();
    if (kind > 1) throw new GuestMemoryError(`delegate error has an unknown variant ${kind}`);
    out = { ok: false, error: { kind: kind === 0 ? "Deser" : "Other", message: r.string() } };
  } else throw new GuestMemoryError("delegate result is neither Ok nor Err");
  if (!r.done()) throw new GuestMemoryError("delegate result has trailing bytes");
  return out;
}
