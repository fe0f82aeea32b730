// River's chat-delegate messages (river `common/src/chat_delegate.rs`) as ciborium writes them: serde's
// externally tagged enums (`{"Variant": {fields…}}`, a unit variant as its name), `Vec<u8>` and `[u8; 32]`
// as arrays of integers.
import { assertBytes } from "../../crypto/assert.js";
import { bytesToHex } from "../../crypto/bytes.js";
import { type CborValue, decodeCbor, encodeCbor } from "./cbor.js";

/** The `ChatDelegateRequestMsg` variants keyward builds. */
export type ChatRequest =
  | { readonly type: "StoreRequest"; readonly key: Uint8Array; readonly value: Uint8Array }
  | { readonly type: "GetRequest" | "DeleteRequest"; readonly key: Uint8Array }
  | { readonly type: "ListRequest" }
  | { readonly type: "StoreSigningKey"; readonly roomKey: Uint8Array; readonly signingKey: Uint8Array }
  | { readonly type: "GetPublicKey"; readonly roomKey: Uint8Array }
  | {
      readonly type: "SignMessage";
      readonly roomKey: Uint8Array;
      readonly requestId: bigint;
      readonly message: Uint8Array;
    };

const ints = (b: Uint8Array): number[] => Array.from(b);

/**
 * ciborium bytes of a request (the `ApplicationMessage` payload).
 * @throws {TypeError|RangeError} room keys / signing keys that are not 32 bytes
 * @example encodeChatRequest({ type: "GetRequest", key: utf8("rooms") })
 */
export function encodeChatRequest(r: ChatRequest): Uint8Array {
  switch (r.type) {
    case "ListRequest":
      return encodeCbor("ListRequest");
    case "StoreRequest":
      return encodeCbor({ StoreRequest: { key: ints(r.key), value: ints(r.value) } });
    case "GetRequest":
    case "DeleteRequest":
      return encodeCbor({ [r.type]: { key: ints(r.key) } });
    case "StoreSigningKey":
      assertBytes(r.roomKey, 32, "roomKey");
      assertBytes(r.signingKey, 32, "signingKey");
      return encodeCbor({
        StoreSigningKey: { room_key: ints(r.roomKey), signing_key_bytes: ints(r.signingKey) },
      });
    case "GetPublicKey":
      assertBytes(r.roomKey, 32, "roomKey");
      return encodeCbor({ GetPublicKey: { room_key: ints(r.roomKey) } });
    case "SignMessage":
      assertBytes(r.roomKey, 32, "roomKey");
      return encodeCbor({
        SignMessage: { room_key: ints(r.roomKey), request_id: r.requestId, message_bytes: ints(r.message) },
      });
  }
}

const isByteArray = (v: CborValue): v is number[] =>
  Array.isArray(v) &&
  v.length > 0 &&
  v.every((x) => typeof x === "number" && Number.isInteger(x) && x >= 0 && x < 256);

/** JSON-friendly view: byte arrays (serde `Vec<u8>`) and byte strings as hex, big integers as strings. */
export function cborToJson(v: CborValue): unknown {
  if (v instanceof Uint8Array) return bytesToHex(v);
  if (typeof v === "bigint") return v.toString();
  if (isByteArray(v)) return bytesToHex(Uint8Array.from(v));
  if (Array.isArray(v)) return v.map(cborToJson);
  if (v !== null && typeof v === "object")
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, cborToJson(x)]));
  return v;
}

/**
 * Decodes a payload as CBOR into its JSON view (River's `ChatDelegateResponseMsg` and anything else CBOR);
 * undefined when the bytes are not CBOR.
 */
export function describePayload(payload: Uint8Array): unknown {
  try {
    return cborToJson(decodeCbor(payload));
  } catch {
    return undefined;
  }
}
