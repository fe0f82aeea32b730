// The byte codecs the surfaces share with the core, without primitives.ts's key functions (and libsodium).
export { base64urlToBytes, bytesToBase64url, bytesToHex, hexToBytes, utf8, wipe } from "../crypto/bytes.js";
