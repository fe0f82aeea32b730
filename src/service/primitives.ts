// The byte, key and secret vocabulary the surfaces share with the core: codecs, Secret, wiping, the name rule.
export { NAME_PATTERN } from "../crypto/assert.js";
export { base64urlToBytes, bytesToBase64url, bytesToHex, hexToBytes, utf8, wipe } from "../crypto/bytes.js";
export { ed25519PublicKey } from "../crypto/ed25519.js";
export { randomBytes } from "../crypto/random.js";
export { Secret } from "../crypto/secret.js";
export { nativeCryptoAvailable } from "../crypto/sodium.js";
